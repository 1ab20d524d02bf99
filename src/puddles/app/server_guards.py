"""Guards for serving the dashboard to visitors: plug-in classes named in ``voila.json``.

Voilà 0.5 and jupyter-server leave three holes that a public dashboard cannot afford; each
class below closes one of them through a configuration hook the servers already have, so
no server code is patched:

* :class:`V1KernelConnection` (``kernel_websocket_connection_class``) refuses kernel
  websockets that do not speak the v1 kernel-websocket protocol and drops malformed v1
  frames. Voilà's own frontend always speaks v1; a legacy-protocol client makes Voilà read
  the kernel's legacy binary frames as v1 (``read_header_from_binary_message``), which
  builds a list of ~10^17 offsets and stops the server's event loop for every visitor.
* :class:`CappedKernelManager` (``VoilaConfiguration.multi_kernel_manager_class``) caps
  the number of kernels: a page beyond the cap gets a clear "503: busy" page instead of
  a kernel, so anonymous requests cannot exhaust the server's memory.
* :class:`XsrfCookieIdentityProvider` (``Voila.identity_provider_class``) sets the
  ``_xsrf`` cookie before Voilà starts streaming a page. Voilà renders the cookie only
  after the first chunk has flushed the headers, so it never reaches the browser and the
  page's unload beacon ``POST /voila/api/shutdown/<id>`` was refused with 403: every
  closed page kept its kernel until the idle cull.
"""

from __future__ import annotations

import uuid

from jupyter_core.utils import ensure_async
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

__all__ = ["V1_PROTOCOL", "V1KernelConnection", "CappedKernelManager", "XsrfCookieIdentityProvider",
           "is_valid_v1_frame"]

#: The kernel-websocket subprotocol Voilà's and JupyterLab's frontends negotiate.
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def is_valid_v1_frame(frame: bytes) -> bool:
    """Whether ``frame`` is a well-formed v1 kernel-websocket binary message.

    A v1 frame starts with a little-endian uint64 count ``n`` followed by ``n`` uint64
    offsets into the frame (channel, header, parent header, metadata, content, buffers...).
    jupyter-server trusts the count; a crafted count of 2^60 would keep it busy forever.
    """
    if len(frame) < 8:
        return False
    n = int.from_bytes(frame[:8], "little")
    # channel + header + parent header + metadata + content need at least 6 offsets.
    if n < 6 or 8 * (n + 1) > len(frame):
        return False
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
    return offsets[0] >= 8 * (n + 1) and all(a <= b for a, b in zip(offsets, offsets[1:])) and offsets[-1] <= len(frame)


class V1KernelConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket connection that accepts only the v1 protocol and well-formed v1 frames."""

    async def prepare(self):
        # Before the websocket handshake: a client that does not offer v1 gets a plain 400.
        offered = self.websocket_handler.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in [p.strip() for p in offered.split(",")]:
            self.log.warning("refused a kernel websocket without the %s subprotocol", V1_PROTOCOL)
            raise web.HTTPError(400, f"kernel websockets must use the {V1_PROTOCOL} subprotocol")
        await super().prepare()

    def handle_incoming_message(self, incoming_msg) -> None:
        if self.subprotocol != V1_PROTOCOL:
            return  # unreachable after prepare(); never parse another protocol
        if not isinstance(incoming_msg, bytes) or not is_valid_v1_frame(incoming_msg):
            self.log.warning("dropped a malformed kernel websocket message (%d bytes)", len(incoming_msg))
            return
        super().handle_incoming_message(incoming_msg)


class CappedKernelManager(AsyncMappingKernelManager):
    """A kernel manager that starts at most ``max_kernels`` kernels at a time.

    Beyond the cap, :meth:`start_kernel` raises HTTP 503 with a message Voilà shows as the
    page's title; culled and shut-down kernels free their slots.
    """

    max_kernels = Int(
        32,
        config=True,
        help="Most kernels alive at once (each dashboard page holds one: 54 MB PSS measured after "
        "the first render with in-process solves, 150 MB with two solver workers); 0 = no cap.",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting: set[str] = set()

    async def start_kernel(self, *args, kernel_id=None, **kwargs):
        if kernel_id is not None:  # a restart or a known id: not a new visitor
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        # Count kernels still starting too (30 requests arriving together must not all pass
        # before the first kernel is registered), by id: a kernel is registered before its
        # start returns, and counting it twice meanwhile refused a visitor below the cap.
        if self.max_kernels and len(self._starting.union(self._kernels)) >= self.max_kernels:
            self.log.warning("kernel cap reached (%d); refusing a new page", self.max_kernels)
            raise web.HTTPError(
                503, reason=f"Busy: this dashboard is serving its maximum of {self.max_kernels} visitors. "
                "Please reload the page in a minute."
            )
        kernel_id = str(uuid.uuid4())
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)


class XsrfCookieIdentityProvider(PasswordIdentityProvider):
    """The default identity provider, plus the ``_xsrf`` cookie on every page request.

    Reading ``handler.xsrf_token`` sets the cookie when the request has none; it must happen
    here, before Voilà streams the page, because Voilà's page flushes its headers first.
    """

    async def get_user(self, handler):
        user = await ensure_async(super().get_user(handler))
        if user is not None and handler.request.method == "GET" and not handler.request.headers.get("Upgrade"):
            handler.current_user = user  # what prepare() does next; tornado's xsrf_token reads it
            handler.xsrf_token  # noqa: B018 - the property sets the cookie
        return user
