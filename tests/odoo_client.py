"""A small HTTP client that behaves like a user's browser (cookies, CSRF
tokens, the login form) plus JSON-RPC calls through the web client's routes."""

import re

import requests


class RPCError(Exception):
    def __init__(self, error):
        self.error = error
        data = error.get("data") or {}
        self.name = data.get("name", "")
        super().__init__(f"{self.name}: {data.get('message') or error.get('message')}")


class OdooClient:
    def __init__(self, url, db):
        self.url = url
        self.db = db
        self.session = requests.Session()
        # as the browser of an Italian citizen: the portal also speaks English, to those
        # whose browser asks for it
        self.session.headers["Accept-Language"] = "it-IT,it;q=0.9"
        self._rpc_id = 0

    def get(self, path, **kw):
        kw.setdefault("timeout", 60)
        return self.session.get(self.url + path, **kw)

    def post(self, path, **kw):
        kw.setdefault("timeout", 60)
        return self.session.post(self.url + path, **kw)

    def csrf_token(self, path):
        """The CSRF token of the form served at `path`."""
        page = self.get(path)
        page.raise_for_status()
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
        assert match, f"no CSRF token in {path}"
        return match.group(1)

    def login(self, login, password):
        """Log in through the login form, as a person does. Returns the final response."""
        token = self.csrf_token("/web/login")
        response = self.post(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": token, "redirect": ""},
        )
        response.raise_for_status()
        return response

    def session_info(self):
        return self.rpc("/web/session/get_session_info", {})

    def rpc(self, path, params):
        self._rpc_id += 1
        response = self.post(
            path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": self._rpc_id},
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RPCError(body["error"])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )
