"""Parents completing the MLU questionnaire concurrently against the real bot process.

Run from the repository root: ``python -m bench.telegram_bench [PARENTS]``. The bot runs as
``python -m bot run`` against a fake Bot API server on 127.0.0.1 with Telegram's rate limits
turned off (they would cap the figure at 30 messages a second). The baseline, measured in the same
run, is plain python-telegram-bot sendMessage round trips to the same fake server.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fake_telegram import FakeTelegram  # noqa: E402
from telegram import Bot  # noqa: E402
from test_telegram_process import bot_process, write_config  # noqa: E402
from tg_driver import simulate_parent  # noqa: E402

CLOSING = "Thank you for sharing your experience"


async def baseline(tg: FakeTelegram, calls: int, concurrency: int) -> float:
    """sendMessage round trips per second through python-telegram-bot, no bot logic."""
    tg.send_text(1, "/start")  # the fake only sends to chats it knows
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        started = time.perf_counter()
        per_task = calls // concurrency
        await asyncio.gather(
            *(
                asyncio.gather(*(bot.send_message(1, "x") for _ in range(per_task)))
                for _ in range(concurrency)
            )
        )
        return per_task * concurrency / (time.perf_counter() - started)


async def run(parents: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeTelegram() as tg:
            config = write_config(Path(folder), tg.base_url, default_flow="mlu_experience")
            async with bot_process(config, tg.token, Path(folder) / "bot.log"):
                await tg.wait_for(lambda: tg.commands, 30, "the bot to start")
                started = time.perf_counter()
                actions = await asyncio.gather(
                    *(simulate_parent(tg, 10_000 + n, CLOSING, 600) for n in range(parents))
                )
                took = time.perf_counter() - started
                api_calls = len(tg.calls)
            rate = await baseline(tg, 2000, parents)
        with sqlite3.connect(Path(folder) / "db.sqlite3") as conn:
            answers = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
            complete = conn.execute(
                "SELECT count(*) FROM responses WHERE status = 'complete'"
            ).fetchone()[0]
    per_second = answers / took
    print(
        f"telegram: {parents} parents completed the MLU flow concurrently in {took:.1f} s "
        f"({complete} complete responses, {answers} answers, {sum(actions)} taps/messages)"
    )
    print(
        f"telegram: {per_second:.0f} answers/s, {api_calls / took:.0f} Bot API calls/s; "
        f"baseline {rate:.0f} raw sendMessage/s: {per_second / rate:.2f} answers per raw call"
    )


def main() -> None:
    parents = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 50
    asyncio.run(run(parents))


if __name__ == "__main__":
    main()
