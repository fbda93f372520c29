"""An enterprise finds a guide by pinyin initials, downloads the blank form, and the QR code
on the printed poster opens the same guide on a phone. People find items by everyday words
(社保), and a synonym the administrator adds is used by the next search."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.models import SearchSynonym
from gaoxin.catalog.synonym_seed import seed_default_synonyms
from gaoxin.catalog.tests.factories import make_item
from gaoxin.e2e.conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pinyin_search_guide_download_and_poster_qr(live_server, page, phone):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    item = make_item(admin)
    make_item(admin, code="43037105XK0002", name="印章刻制备案", situations=())

    page.goto(f"{live_server.url}/guide/")
    page.get_by_role("searchbox", name="搜索").fill("qysl")
    expect(page.get_by_test_id("guide-count")).to_contain_text("找到 1 个事项")  # no eval: the page's CSP forbids it
    page.get_by_role("link", name="企业设立登记").click()
    page.wait_for_url(f"**/guide/{item.implementation_code}/")
    assert page.get_by_test_id("guide-title").inner_text() == "企业设立登记"

    # Choosing a situation narrows the checklist (htmx).
    page.get_by_label("请选择您的办理情形：").select_option(label="合伙企业")
    expect(page.get_by_test_id("materials")).not_to_contain_text("公司章程")
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


def _count_is(page, text: str) -> None:
    expect(page.get_by_test_id("guide-count")).to_contain_text(text)


def test_everyday_words_and_a_synonym_the_administrator_adds(live_server, page, browser):
    seed_default_synonyms(SearchSynonym)  # migration data; this journey's database was flushed
    OrgUnit.objects.create(code="centre", name="湘潭高新区政务服务中心", kind=OrgKind.CENTRE, phone="0731-58580000")
    admin = UserFactory(role=Role.ZONE_ADMIN, username="zone-admin")
    make_item(admin)
    make_item(admin, code="43037105GG0011", name="单位社会保险参保登记", situations=())

    page.goto(f"{live_server.url}/guide/")
    box = page.get_by_role("searchbox", name="搜索")
    box.fill("社保")
    _count_is(page, "找到 1 个事项")
    assert "社会保险" in page.get_by_test_id("search-expanded").inner_text()
    assert page.get_by_role("link", name="单位社会保险参保登记").is_visible()

    box.fill("五险")
    page.get_by_test_id("empty").wait_for()
    empty = page.get_by_test_id("empty").inner_text()
    assert "没有找到“五险”的相关事项" in empty and "帮代办" in empty and "0731-58580000" in empty
    assert box.input_value() == "五险"

    # The administrator adds 五险 → 社会保险; a first try without meanings is refused beside the field.
    admin_page = session(browser, live_server, "zone-admin")
    admin_page.goto(f"{live_server.url}/catalog/manage/")
    admin_page.get_by_role("link", name="搜索近义词").click()
    admin_page.get_by_role("link", name="新增近义词").click()
    admin_page.get_by_label("俗称").fill("五险")
    admin_page.get_by_role("button", name="保存").click()
    assert admin_page.get_by_text("请至少填写一个对应的规范用语").is_visible()
    assert admin_page.get_by_label("俗称").input_value() == "五险"
    admin_page.get_by_label("对应的规范用语").fill("社会保险、养老保险")
    admin_page.get_by_role("button", name="保存").click()
    admin_page.wait_for_url("**/catalog/manage/synonyms/")
    assert "社会保险、养老保险" in admin_page.get_by_role("row", name="五险").inner_text()

    page.reload()
    _count_is(page, "找到 1 个事项（搜索“五险”）")
    page.get_by_role("link", name="单位社会保险参保登记").click()
    assert page.get_by_test_id("guide-title").inner_text() == "单位社会保险参保登记"
