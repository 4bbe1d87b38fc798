"""Password key derivation: Argon2id, with parameters tuned once per process.

Each password slot stores the parameters it was made with, so slots made on a
slower or faster machine still open, and retuning never touches existing slots.
"""

from __future__ import annotations

import functools
import time
from dataclasses import asdict, dataclass

TARGET_SECONDS = 0.5
MEMORY_KIB = 128 * 1024
PARALLELISM = 2
KEY_BYTES = 32


@dataclass(frozen=True)
class Argon2Params:
    time_cost: int
    memory_cost: int
    parallelism: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Argon2Params:
        values = {k: data[k] for k in ("time_cost", "memory_cost", "parallelism")}
        if not all(isinstance(v, int) and 0 < v < 2**32 for v in values.values()):
            raise ValueError("bad argon2 parameters")
        return cls(**values)  # type: ignore[arg-type]


def derive_key(password: str, salt: bytes, params: Argon2Params) -> bytes:
    """Derive a 256-bit wrapping key from a password. Slow on purpose: never call on
    the GUI thread."""
    from argon2.low_level import Type, hash_secret_raw  # loaded at the first unlock, not launch

    return hash_secret_raw(
        secret=password.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


@functools.lru_cache(maxsize=1)
def calibrated_params() -> Argon2Params:
    """Parameters that take about :data:`TARGET_SECONDS` on this machine.

    Times one and three passes at the fixed memory cost: the difference is the
    cost of a pass, the rest is set-up (allocating memory). At least 3 passes
    (RFC 9106's second recommended option is t=3).
    """

    def seconds(passes: int) -> float:
        start = time.perf_counter()
        derive_key("calibration", b"\0" * 16, Argon2Params(passes, MEMORY_KIB, PARALLELISM))
        return time.perf_counter() - start

    one, three = seconds(1), seconds(3)
    per_pass = max((three - one) / 2, 1e-3)
    setup = max(one - per_pass, 0.0)
    passes = max(3, round((TARGET_SECONDS - setup) / per_pass))
    return Argon2Params(time_cost=passes, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
