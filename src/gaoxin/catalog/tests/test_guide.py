"""Public guides: search, situations, downloads, posters whose QR opens the guide, the API."""

import io

import pytest
import zxingcpp
from PIL import Image

from gaoxin.catalog import services
from gaoxin.catalog.models import ItemVersion

from .factories import department, make_item, zone


@pytest.fixture
def item(admin_user):
    return make_item(admin_user)


def test_guides_are_public(client, item):
    html = client.get(f"/guide/{item.implementation_code}/").content.decode()
    assert "企业设立登记" in html and "承诺办结时限" in html and "住所使用证明" in html and "容缺" in html


def test_search_by_pinyin_initials_name_and_code(client, item, admin_user):
    make_item(admin_user, code="43037105XK0002", name="印章刻制备案", situations=())
    for query in ("qysl", "企业设立", "43037105xk0001", "qiyeshe"):
        html = client.get("/guide/", {"q": query}).content.decode()
        assert "企业设立登记" in html and "印章刻制备案" not in html, query
    assert "没有找到“zzzz”的相关事项" in client.get("/guide/", {"q": "zzzz"}).content.decode()


def test_browse_filters(client, item, admin_user):
    other = make_item(admin_user, code="43037106XK0003", name="建筑工程施工许可证核发", situations=(),
                      dept=department("housing", "住房和城乡建设局"), zone_obj=zone("construction", "工程建设"))
    html = client.get("/guide/", {"zone": "construction"}).content.decode()
    assert other.name in html and item.name not in html
    html = client.get("/guide/", {"department": "market"}).content.decode()
    assert item.name in html and other.name not in html
    index = client.get("/guide/").content.decode()
    assert "按专区浏览" in index and "工程建设专区" in index


def test_situation_selects_materials(client, item):
    version = item.current_version
    partnership = version.situations.get(name="合伙企业")
    html = client.get(f"/guide/{item.implementation_code}/", {"situation": partnership.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "合伙协议" in html and "公司章程" not in html and "住所使用证明" in html
    assert "公司章程" in client.get(f"/guide/{item.implementation_code}/").content.decode()  # all situations


def test_download_blank_form_and_sample(client, item):
    material = item.current_version.materials.get(name__endswith="申请表")
    response = client.get(f"/guide/{item.implementation_code}/materials/{material.pk}/blank/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")
    assert client.get(f"/guide/{item.implementation_code}/materials/{material.pk}/sample/").status_code == 200
    other = item.current_version.materials.get(name="公司章程")
    assert client.get(f"/guide/{item.implementation_code}/materials/{other.pk}/blank/").status_code == 404


def test_unpublished_and_unknown_items_are_404(client, admin_user):
    draft = make_item(admin_user, code="43037105XK0009", publish=False)
    assert client.get(f"/guide/{draft.implementation_code}/").status_code == 404
    assert client.get("/guide/NOPE123/").status_code == 404
    assert client.get(f"/api/v1/catalog/items/{draft.implementation_code}/").status_code == 404


def test_poster_qr_opens_the_guide(client, item):
    png = client.get(f"/guide/{item.implementation_code}/qr.png").content
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert url == f"http://testserver/guide/{item.implementation_code}/?printed=1"
    poster = client.get(f"/guide/{item.implementation_code}/poster/").content.decode()
    assert url in poster and "码上查" in poster and "依据第1版办事指南" in poster
    # the address printed for typing is the guide's own, without the version the code records
    assert f'data-testid="poster-address">http://testserver/guide/{item.implementation_code}/</div>' in poster
    assert client.get(url).status_code == 200


def test_guide_warns_when_changed_since_printing(client, item, admin_user):
    draft = services.version_create_draft(item=item, actor=admin_user)
    services.version_publish(version=ItemVersion.objects.get(pk=draft.pk), actor=admin_user)
    html = client.get(f"/guide/{item.implementation_code}/", {"printed": "1"}).content.decode()
    assert "海报打印后已更新" in html
    assert "海报打印后已更新" not in client.get(f"/guide/{item.implementation_code}/", {"printed": "2"}).content.decode()


def test_public_base_url_setting(client, item, settings):
    settings.GAOXIN_PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    png = client.get(f"/guide/{item.implementation_code}/qr.png").content
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text.startswith("https://zwfw.example.gov.cn/guide/")


def test_zone_qr_sheet_and_bundle(client, item):
    sheet = client.get("/guide/zones/startup/qr-sheet/").content.decode()
    assert "企业设立登记" in sheet and "<svg" in sheet
    assert client.get("/guide/zones/nowhere/qr-sheet/").status_code == 404


def test_query_budgets(client, item, admin_user, django_assert_max_num_queries):
    for n in range(2, 12):
        make_item(admin_user, code=f"43037105XK{n:04d}", name=f"测试事项{n}", situations=())
    with django_assert_max_num_queries(8):
        assert client.get("/guide/", {"q": "cs"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/guide/{item.implementation_code}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/catalog/items/").status_code == 200


def test_api(client, item):
    data = client.get("/api/v1/catalog/items/", {"q": "qysl"}).json()
    assert data["count"] == 1 and data["results"][0]["implementation_code"] == item.implementation_code
    detail = client.get(f"/api/v1/catalog/items/{item.implementation_code}/").json()
    assert detail["guide"]["case_type"] == "promised" and len(detail["guide"]["materials"]) == 4
    assert {"name": "合伙企业", "description": ""}.items() <= detail["guide"]["situations"][1].items()
