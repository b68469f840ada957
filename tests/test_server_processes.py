"""The multi-worker server runs all its processes: the HTTP workers and the evented (gevent)
process that carries the live updates of the backend (chat, notifications) over websockets."""

import time

import requests


def _gevent_answer(url, deadline=60):
    """The gevent process's answer to `url`: it starts some seconds after the HTTP workers on a
    loaded machine (6 s seen while other servers ran), so it is polled for, up to a bound."""
    end = time.monotonic() + deadline
    while True:
        try:
            return requests.get(url, timeout=10)
        except requests.ConnectionError:
            if time.monotonic() > end:
                raise
            time.sleep(0.5)


def test_evented_process_answers(odoo_server):
    # the gevent process dies at start when a dependency cannot be loaded (it once did: the
    # newest zope.interface is invisible to gevent's pkg_resources), and the server then
    # respawns it forever while the HTTP workers go on answering: never answering within the
    # bound fails the test
    response = _gevent_answer(f"{odoo_server['gevent_url']}/web/login")
    assert response.status_code == 200, response.text[:300]
    websocket = requests.get(f"{odoo_server['gevent_url']}/websocket", timeout=10)
    # a plain GET is not a websocket handshake: refused by the websocket route, not unreachable
    assert websocket.status_code in (400, 426), websocket.status_code
