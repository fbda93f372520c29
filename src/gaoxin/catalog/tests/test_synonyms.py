"""The zone's synonym list (近义词/俗称) and items' search keywords: kept by the administrator
through services, one audit event per change, errors beside the field."""

import pytest
from django.core.exceptions import ValidationError

from gaoxin.catalog import services
from gaoxin.catalog.models import SearchSynonym, ServiceItem
from gaoxin.catalog.synonym_seed import DEFAULT_SYNONYMS, seed_default_synonyms
from gaoxin.core.models import AuditEvent

from .factories import make_item


def events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


def test_a_fresh_zone_has_the_default_list(db):
    # Filled by migration 0003 from the seeding function.
    stored = dict(SearchSynonym.objects.values_list("word", "meanings"))
    assert stored == dict(DEFAULT_SYNONYMS)
    assert stored["社保"].startswith("社会保险") and stored["刻章"] == "印章刻制" and stored["公积金"] == "住房公积金"


def test_seeding_again_keeps_what_the_zone_changed(db):
    SearchSynonym.objects.filter(word="社保").update(meanings="社会保险")
    SearchSynonym.objects.filter(word="刻章").delete()
    seed_default_synonyms(SearchSynonym)
    assert SearchSynonym.objects.get(word="社保").meanings == "社会保险"
    assert SearchSynonym.objects.filter(word="刻章").exists()


def test_synonym_services_normalise_and_audit_once(admin_user):
    synonym = services.synonym_create(actor=admin_user, word=" 五险 ", meanings="社会保险， 养老保险/社会保险")
    assert (synonym.word, synonym.meanings) == ("五险", "社会保险、养老保险")
    assert events("catalog.synonym_created").count() == 1
    services.synonym_update(synonym=synonym, actor=admin_user, word="五险", meanings="社会保险、养老保险")
    assert not events("catalog.synonym_updated").exists()  # nothing changed, nothing recorded
    services.synonym_update(synonym=synonym, actor=admin_user, word="五险一金", meanings="社会保险、住房公积金")
    [updated] = events("catalog.synonym_updated")
    assert updated.before == {"word": "五险", "meanings": "社会保险、养老保险"}
    assert updated.after == {"word": "五险一金", "meanings": "社会保险、住房公积金"}
    services.synonym_delete(synonym=synonym, actor=admin_user)
    assert not SearchSynonym.objects.filter(word="五险一金").exists()
    assert events("catalog.synonym_deleted").get().before["word"] == "五险一金"


@pytest.mark.parametrize("word,meanings,field,message", [
    ("", "社会保险", "word", "请填写俗称"),
    ("社 保", "社会保险", "word", "不能含空格"),
    ("社保", "", "meanings", "请至少填写一个"),
    ("社保", " 、 ", "meanings", "请至少填写一个"),
    ("社保", "社保", "meanings", "不能只是俗称本身"),
    ("社保", "社会保险", "word", "已在近义词表中"),  # the default list has it
    ("SheBao", "社会保险", "word", "已在近义词表中"),  # case does not make a new word
])
def test_synonym_validation_names_the_field_and_writes_nothing(admin_user, word, meanings, field, message):
    services.synonym_create(actor=admin_user, word="shebao", meanings="社会保险")
    before = (SearchSynonym.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.synonym_create(actor=admin_user, word=word, meanings=meanings)
    assert message in exc.value.message_dict[field][0]
    assert (SearchSynonym.objects.count(), AuditEvent.objects.count()) == before


def test_renaming_onto_another_word_is_refused(admin_user):
    synonym = services.synonym_create(actor=admin_user, word="五险", meanings="社会保险")
    with pytest.raises(ValidationError) as exc:
        services.synonym_update(synonym=synonym, actor=admin_user, word="社保", meanings="社会保险")
    assert "已在近义词表中" in exc.value.message_dict["word"][0]
    synonym.refresh_from_db()
    assert synonym.word == "五险"


# --- pages -------------------------------------------------------------------------------


def test_list_add_edit_delete_through_the_pages(admin_client, client, admin_user):
    make_item(admin_user, code="43037105GG0001", name="单位社会保险参保登记", situations=())
    assert "搜索近义词" in admin_client.get("/catalog/manage/").content.decode()
    listing = admin_client.get("/catalog/manage/synonyms/").content.decode()
    assert "社保" in listing and "社会保险、养老保险、参保" in listing
    assert "没有找到" in client.get("/guide/", {"q": "五险"}).content.decode()

    response = admin_client.post("/catalog/manage/synonyms/new/", {"word": "五险", "meanings": "社会保险"})
    assert response.status_code == 302 and response["Location"] == "/catalog/manage/synonyms/"
    assert "单位社会保险参保登记" in client.get("/guide/", {"q": "五险"}).content.decode()
    synonym = SearchSynonym.objects.get(word="五险")

    edit = admin_client.get(f"/catalog/manage/synonyms/{synonym.pk}/edit/").content.decode()
    assert 'value="五险"' in edit and 'value="社会保险"' in edit
    admin_client.post(f"/catalog/manage/synonyms/{synonym.pk}/edit/", {"word": "五险", "meanings": "社会保险、养老保险"})
    synonym.refresh_from_db()
    assert synonym.meanings == "社会保险、养老保险"

    assert "确定删除" in admin_client.get(f"/catalog/manage/synonyms/{synonym.pk}/delete/").content.decode()
    assert SearchSynonym.objects.filter(pk=synonym.pk).exists()  # GET only asks
    admin_client.post(f"/catalog/manage/synonyms/{synonym.pk}/delete/")
    assert not SearchSynonym.objects.filter(pk=synonym.pk).exists()
    assert [e.event_type for e in AuditEvent.objects.filter(event_type__startswith="catalog.synonym_").order_by("id")] == [
        "catalog.synonym_created", "catalog.synonym_updated", "catalog.synonym_deleted"]


def test_form_errors_stand_beside_the_field_and_keep_the_input(admin_client):
    count = SearchSynonym.objects.count()
    html = admin_client.post("/catalog/manage/synonyms/new/", {"word": "社保", "meanings": "社会保险、参保"}).content.decode()
    assert "“社保”已在近义词表中" in html and 'value="社会保险、参保"' in html
    # The message follows the word's input, before the meanings' label.
    assert html.index('name="word"') < html.index("已在近义词表中") < html.index('name="meanings"')
    html = admin_client.post("/catalog/manage/synonyms/new/", {"word": "五险", "meanings": ""}).content.decode()
    assert 'value="五险"' in html and "请至少填写一个对应的规范用语" in html
    assert SearchSynonym.objects.count() == count


def test_synonym_pages_are_for_the_administrator(client, clerk_client, enterprise_client, officer_client):
    synonym = SearchSynonym.objects.get(word="社保")
    urls = ["/catalog/manage/synonyms/", "/catalog/manage/synonyms/new/", f"/catalog/manage/synonyms/{synonym.pk}/edit/",
            f"/catalog/manage/synonyms/{synonym.pk}/delete/"]
    for c in (clerk_client, enterprise_client, officer_client):
        for url in urls:
            assert c.get(url).status_code == 403, url
        assert c.post(urls[3]).status_code == 403
        assert c.post(urls[1], {"word": "五险", "meanings": "社会保险"}).status_code == 403
    for url in urls:
        assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
    assert SearchSynonym.objects.filter(pk=synonym.pk).exists() and not SearchSynonym.objects.filter(word="五险").exists()
    assert "搜索近义词" not in clerk_client.get("/guide/").content.decode()


def test_unknown_synonym_is_404(admin_client):
    assert admin_client.get("/catalog/manage/synonyms/999999/edit/").status_code == 404
    assert admin_client.post("/catalog/manage/synonyms/999999/delete/").status_code == 404


# --- item keywords -------------------------------------------------------------------------


def test_keywords_are_edited_on_the_item_page_without_a_new_version(admin_client, client, admin_user):
    item = make_item(admin_user)
    page = admin_client.get(f"/catalog/manage/{item.implementation_code}/").content.decode()
    assert "检索关键词" in page and "近义词表" in page
    response = admin_client.post(f"/catalog/manage/{item.implementation_code}/keywords/",
                                 {"keywords": "营业执照， 开公司 营业执照"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.keywords == "营业执照、开公司" and "yyzz" in item.search_text and "kaigongsi" in item.search_text
    assert item.versions.count() == 1  # search words are not guide content
    assert events("catalog.item_keywords_changed").get().after == {"keywords": "营业执照、开公司"}
    assert "企业设立登记" in client.get("/guide/", {"q": "yyzz"}).content.decode()
    # Saving the same words again changes nothing and records nothing.
    admin_client.post(f"/catalog/manage/{item.implementation_code}/keywords/", {"keywords": "营业执照、开公司"})
    assert events("catalog.item_keywords_changed").count() == 1


def test_a_too_long_keyword_is_named_beside_the_field(admin_client, admin_user):
    item = make_item(admin_user, keywords="开公司")
    typed = "开公司、" + "很" * 21
    response = admin_client.post(f"/catalog/manage/{item.implementation_code}/keywords/", {"keywords": typed})
    html = response.content.decode()
    assert response.status_code == 200 and "每个关键词不超过20个字" in html and f'value="{typed}"' in html
    item.refresh_from_db()
    assert item.keywords == "开公司" and not events("catalog.item_keywords_changed").exists()


def test_keywords_page_is_for_the_administrator(clerk_client, admin_user):
    item = make_item(admin_user, keywords="开公司")
    assert clerk_client.post(f"/catalog/manage/{item.implementation_code}/keywords/", {"keywords": "x"}).status_code == 403
    assert ServiceItem.objects.get(pk=item.pk).keywords == "开公司"


def test_create_item_with_keywords(admin_client):
    from .factories import department, zone

    dept, z = department(), zone()
    response = admin_client.post("/catalog/manage/new/", {"implementation_code": "43037105XK0300", "name": "新事项",
                                                           "department": dept.pk, "zone": z.pk, "keywords": "俗称一、俗称二"})
    assert response.status_code == 302
    item = ServiceItem.objects.get(implementation_code="43037105XK0300")
    assert item.keyword_list() == ["俗称一", "俗称二"] and "sc" in item.search_text
