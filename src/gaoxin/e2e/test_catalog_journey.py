"""An enterprise finds a guide by pinyin initials, downloads the blank form, and the QR code
on the printed poster opens the same guide on a phone."""

import io

import pytest
import zxingcpp
from PIL import Image

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import make_item

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pinyin_search_guide_download_and_poster_qr(live_server, page, phone):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    item = make_item(admin)
    make_item(admin, code="43037105XK0002", name="印章刻制备案", situations=())

    page.goto(f"{live_server.url}/guide/")
    page.get_by_placeholder("事项名称、拼音首字母（如 qysl）或编码").fill("qysl")
    page.wait_for_function("document.querySelector('[data-testid=guide-count]')?.innerText.includes('找到 1 个事项')")
    page.get_by_role("link", name="企业设立登记").click()
    page.wait_for_url(f"**/guide/{item.implementation_code}/")
    assert page.get_by_test_id("guide-title").inner_text() == "企业设立登记"

    # Choosing a situation narrows the checklist (htmx).
    page.get_by_label("请选择您的办理情形：").select_option(label="合伙企业")
    page.wait_for_function("!document.querySelector('[data-testid=materials]').innerText.includes('公司章程')")
    assert "合伙协议" in page.get_by_test_id("materials").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="空白表格").click()
    assert download.value.suggested_filename == "企业设立登记申请表.xlsx"

    page.get_by_role("link", name="打印二维码海报").click()
    page.wait_for_url("**/poster/")
    qr = page.get_by_test_id("poster-qr")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert decoded, "no QR code found on the poster"
    url = decoded[0].text
    assert url == qr.get_attribute("data-qr-url")

    phone.goto(url)
    assert phone.get_by_test_id("guide-title").inner_text() == "企业设立登记"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
