"""A Dash callback the front proxy refuses for the client's rate (429) or answers for a failed app (502), in headless
Chromium: Dash's renderer alone leaves the page as it was and says nothing; the reader is told, in the page's
language, until a callback is answered again. The app answers here what nginx answers (the files `delta87 serve`
writes for it)."""

from __future__ import annotations

import pytest
from flask import Response, request

from cli import server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("status", "folder", "said"),
    [
        (429, "429", "Trop de requêtes depuis votre adresse : cette partie de la page n'a pas été mise"),
        (502, "503", "Le site redémarre ou est surchargé : cette partie de la page n'a pas été mise à jour"),
    ],
)
def test_a_callback_refused_for_the_rate_or_failed_is_said_on_the_page_until_one_is_answered(
    dash_duo, app, synthetic_release, tmp_path, status, folder, said
):
    server.write_proxy_pages(tmp_path / "errors")
    refusal = (tmp_path / "errors" / folder / "callback.fr.json").read_text(encoding="utf-8")
    refusing = [True]

    def over_the_rate():
        if refusing[0] and request.path == "/_dash-update-component":
            return Response(refusal, status, {"Retry-After": "1"}, mimetype="application/json")
        return None

    app.server.before_request_funcs.setdefault(None, []).insert(0, over_the_rate)
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/sources?lang=fr")
    notice = dash_duo.wait_for_element("#callback-notice", timeout=30)
    assert notice.get_attribute("role") == "alert"
    assert notice.text.startswith(said)

    refusing[0] = False  # the reader moves on once the rate allows: the next page is drawn, the notice goes
    dash_duo.driver.execute_script(
        "history.pushState({}, '', '/learn?lang=fr'); window.dispatchEvent(new PopStateEvent('popstate'));"
    )
    dash_duo.wait_for_no_elements("#callback-notice", timeout=30)
    dash_duo.wait_for_element("#_pages_content > *", timeout=30)
