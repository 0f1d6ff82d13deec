import pytest

pytestmark = pytest.mark.django_db


def test_a_browser_set_to_english_still_gets_vietnamese_pages(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_the_language_switch_is_what_changes_the_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_api_answers_in_the_language_it_is_asked_for(client):
    response = client.get("/api/v1/procedures/9.999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "No procedure" in response.json()["detail"] or "9.999999" in response.json()["detail"]


def test_the_stylesheet_is_served(client):
    response = client.get("/static/motcua/site.css")
    assert response.status_code == 200


def test_a_nul_byte_in_a_page_address_or_query_is_a_400_page(client, db):
    for url in ("/thu-tuc/%00/", "/thu-tuc/?q=a%00b", "/tra-cuu/?code=%00&contact=0912345678"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "<html" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400(client, db):
    response = client.post("/tai-khoan/dang-nhap/", {"identifier": "a\x00b", "password": "x"})
    assert response.status_code == 400
