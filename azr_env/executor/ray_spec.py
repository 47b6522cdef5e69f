"""``RaySpec``: where and how big a Ray executor pool is (plain data: no Ray import, safe in any config)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from azr_env.errors import ConfigError


@dataclass(frozen=True)
class RaySpec:
    """Where and how big a Ray executor pool is; ``EnvConfig.ray_spec()`` builds one from the ``ray_*`` fields."""

    address: str | None = None
    """``None``: the Ray this process is connected to, else a private one started here; ``"auto"``: the cluster
    started on this machine with ``ray start``; ``"host:port"`` or ``"ray://host:port"``: a remote cluster."""

    actors: int | None = None
    """Actors in the pool; ``None``: as many as the cluster's CPUs hold at ``cpus_per_actor`` each."""

    cpus_per_actor: float = 1.0
    """Ray CPUs each actor reserves; its local executor runs ``max(1, int(cpus_per_actor))`` jobs at a time."""

    connect_timeout_s: float = 10.0
    """How long a remote address may take to accept a TCP connection before the cluster counts as unreachable."""

    start_timeout_s: float = 120.0
    """How long the pool's actors may take to be placed and start their sandboxes when the pool starts."""

    replace_timeout_s: float = 60.0
    """How long a lost actor's replacement may take to be placed and start before the pool shrinks instead."""

    def __post_init__(self) -> None:
        if self.actors is not None and (isinstance(self.actors, bool) or self.actors < 1):
            raise ConfigError(f"RaySpec.actors must be None or an integer >= 1, got {self.actors!r}")
        for name in ("cpus_per_actor", "connect_timeout_s", "start_timeout_s", "replace_timeout_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise ConfigError(f"RaySpec.{name} must be a positive number, got {value!r}")
        if self.address is not None and not isinstance(self.address, str):
            raise ConfigError(f"RaySpec.address must be None or a string, got {self.address!r}")

    @property
    def workers_per_actor(self) -> int:
        """Jobs each actor's local executor runs at once."""
        return max(1, int(self.cpus_per_actor))
