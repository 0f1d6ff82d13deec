from __future__ import annotations

import pytest

from motcua.dossiers.services import accept_dossier
from tests.dossiers.world import local

from .citizen_world import build_citizen_world, submitted, url

LOOKUP = url("lookup")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


@pytest.fixture
def dossier(world):
    dossier = submitted(world, at=local(2026, 11, 23, 9, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 9, 30))
    return dossier


def _answer(response) -> str:
    """What the page says below the form."""
    return response.content.decode().split("</form>")[-1].split("</main>")[0]


def test_the_right_code_and_phone_show_progress_without_personal_data(client, dossier):
    response = client.get(LOOKUP, {"code": dossier.code, "contact": "0912345678"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["dossier"] == dossier
    assert "Đăng ký khai sinh" in html and "UBND Phường Hoàn Kiếm" in html
    assert "Được tiếp nhận" in html and "mã trạng thái 2" in html
    assert "23/11/2026 09:00" in html and "24/11/2026 09:30" in html
    for private in ("Nguyễn Văn An", "Nguyễn Văn Bé", "Hàng Bạc", "001090012345", "an@example"):
        assert private not in html


def test_the_id_number_and_an_international_phone_work_too(client, dossier):
    for contact in ("001090012345", "+84912345678", "0912 345 678"):
        response = client.get(LOOKUP, {"code": dossier.code, "contact": contact})
        assert response.context["dossier"] == dossier, contact


def test_a_wrong_contact_and_an_unknown_code_get_the_same_answer(client, dossier):
    wrong = client.get(LOOKUP, {"code": dossier.code, "contact": "0987654321"})
    unknown = client.get(LOOKUP, {"code": "000.01.99.H26-261123-9999", "contact": "0912345678"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["not_found"] and unknown.context["not_found"]
    assert _answer(wrong) == _answer(unknown)
    assert "Nguyễn Văn An" not in wrong.content.decode()


def test_the_link_in_a_notification_fills_in_the_code(client, dossier):
    response = client.get(LOOKUP, {"code": dossier.code})
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.content.decode()
    assert not response.context["form"].errors and "dossier" not in response.context


def test_missing_or_odd_input_is_a_form_error(client, db):
    response = client.get(LOOKUP, {"code": "", "contact": ""})
    assert response.status_code == 200 and "Nhập mã hồ sơ." in response.content.decode()
    response = client.get(LOOKUP, {"code": "x" * 500, "contact": "0" * 300})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    # A NUL byte is refused before the view (RefuseNulBytesMiddleware).
    assert client.get(LOOKUP, {"code": "x", "contact": "\x00" * 10}).status_code == 400


def test_lookups_are_limited_per_address(client, dossier, settings):
    settings.LOOKUP_PER_MINUTE = 4
    for _ in range(4):
        assert client.get(LOOKUP, {"code": "x", "contact": "0900000000"}).status_code == 200
    blocked = client.get(LOOKUP, {"code": dossier.code, "contact": "0912345678"})
    assert blocked.status_code == 429
    assert "dossier" not in blocked.context
    seconds = int(blocked["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"thử lại sau {seconds} giây" in blocked.content.decode()
    other = client.get(
        LOOKUP, {"code": dossier.code, "contact": "0912345678"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 200 and other.context["dossier"] == dossier


def test_results_are_kept_out_of_caches_and_referrers(client, dossier):
    response = client.get(LOOKUP, {"code": dossier.code, "contact": "0912345678"})
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_form_posts_so_the_contact_number_stays_out_of_the_address(client, dossier):
    page = client.get(LOOKUP, {"code": dossier.code}).content.decode()
    assert 'method="post"' in page and dossier.code in page
    response = client.post(LOOKUP, {"code": dossier.code, "contact": "0912345678"})
    assert response.status_code == 200 and response.context["dossier"] == dossier
    assert "0912345678" not in response.wsgi_request.get_full_path()


def test_the_limit_is_a_setting_the_benchmark_can_raise(client, dossier, settings):
    settings.LOOKUP_PER_MINUTE = 1000
    for _ in range(30):
        response = client.post(LOOKUP, {"code": dossier.code, "contact": "0912345678"})
        assert response.status_code == 200 and response.context["dossier"] == dossier


def test_behind_a_trusted_proxy_each_client_has_its_own_count(client, dossier, settings):
    settings.LOOKUP_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    ask = {"code": dossier.code, "contact": "0912345678"}

    def via_proxy(forwarded):
        return client.post(LOOKUP, ask, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [via_proxy("203.0.113.7").status_code for _ in range(3)] == [200, 200, 429]
    assert via_proxy("203.0.113.8").status_code == 200  # another person behind the proxy
    # A client cannot dodge its count by writing its own X-Forwarded-For: nginx appends the
    # real address, and only that last hop is believed.
    assert via_proxy("198.51.100.1, 203.0.113.7").status_code == 429
