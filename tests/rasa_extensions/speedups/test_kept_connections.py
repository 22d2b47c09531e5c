"""Calls to the action server reuse one connection, and survive the server restarting."""

from __future__ import annotations

import asyncio
import socket

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions.speedups import kept_connections


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start(port: int, peers: list[tuple[str, int]]) -> web.AppRunner:
    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def test_installed_it_keeps_connections():
    assert EndpointConfig.session is kept_connections.kept_session


def test_calls_share_one_connection_and_outlive_a_restart():
    async def scenario() -> tuple[list, list]:
        port = free_port()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        first: list[tuple[str, int]] = []
        server = await start(port, first)
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
        await server.cleanup()
        second: list[tuple[str, int]] = []
        server = await start(port, second)
        assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
        await server.cleanup()
        return first, second

    first, second = asyncio.run(scenario())
    assert len(first) == 3 and len(set(first)) == 1
    assert len(second) == 1


def test_sessions_are_closed_when_the_server_stops():
    async def scenario() -> bool:
        session = await kept_connections.kept_session(EndpointConfig("http://127.0.0.1:9/webhook")).__aenter__()
        await kept_connections.close_all()
        return session.closed

    assert asyncio.run(scenario())
