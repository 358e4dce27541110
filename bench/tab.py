"""One browser tab on a running dashboard, over Streamlit's own websocket protocol: page
views timed as a browser waits for them, nothing drawn. Used by the page and concurrency
benches (loopback servers only)."""

from __future__ import annotations

import asyncio

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class Session:
    """One browser tab: a websocket to the server, page views as reruns of the script."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self.pages: dict[str, str] = {}  # url path -> page script hash

    async def __aenter__(self) -> Session:
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url,
            origin=self.url,
            subprotocols=["streamlit"],
            max_size=2**28,
            ping_interval=None,  # a browser answers the server's pings and sends none itself
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def view(self, page: str = "") -> tuple[str | None, bytes]:
        """Open a page (the landing page when empty): (problem or None, raw messages)."""
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if page:
            msg.rerun_script.page_script_hash = self.pages[page]
        await self.ws.send(msg.SerializeToString())
        raw, problem = [], None
        while True:
            data = await asyncio.wait_for(self.ws.recv(), self.timeout)
            raw.append(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                for app_page in fwd.navigation.app_pages:  # the landing page's path is ""
                    path = app_page.url_pathname or ("overview" if app_page.is_default else "")
                    self.pages[path] = app_page.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                shown = element.WhichOneof("type")
                if shown == "exception":
                    problem = problem or f"exception: {element.exception.message[:200]}"
                elif shown == "alert" and element.alert.format == element.alert.ERROR:
                    problem = problem or f"error box: {element.alert.body[:200]}"
            elif kind == "script_finished":
                return problem, b"".join(raw)
