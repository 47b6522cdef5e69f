r"""``azr play``: play the environment by hand, typing proposals and answers in the terminal.

Each response is read from standard input up to a line ``END`` (or the end of input), so piped input works too::

    printf '<answer>\n```output\n...\n```\n</answer>\nEND\n' | azr play --role solve --task-type deduction
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

END_MARK = "END"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``play`` subcommand."""
    parser = subparsers.add_parser(
        "play",
        help="play self-play episodes by hand in the terminal",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--role", choices=("propose", "solve"), default=None, help="role of each episode (default: drawn)"
    )
    parser.add_argument("--task-type", default=None, help="task type of each episode (default: drawn)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first episode")
    parser.add_argument("--episodes", type=int, default=1, help="episodes to play (default: 1)")
    parser.add_argument(
        "--n-solve-samples", type=int, default=1, help="solve steps after each valid proposal (default: 1)"
    )
    parser.add_argument("--prompt-format", choices=("r1", "chat"), default="r1", help="observation format")
    parser.set_defaults(handler=run)


def read_response(stream: IO[str]) -> str | None:
    """Read lines up to a line ``END``; return ``None`` at the end of input with nothing read."""
    lines: list[str] = []
    for line in stream:
        if line.rstrip("\r\n") == END_MARK:
            return "".join(lines)
        lines.append(line)
    return "".join(lines) if lines else None


def describe(reward: float, info: dict[str, Any]) -> str:
    """Return the outcome of a step as a few lines of text."""
    components = info["reward_components"]
    lines = [
        f"outcome: {info['outcome']}  role: {info['role']}  task type: {info['task_type']}",
        f"reward: {reward:+.3f}  (solve {components['solve']:+.3f}, propose {components['propose']:+.3f})",
    ]
    if info.get("error"):
        lines.append(f"error: {info['error']}")
    if "solve_rate" in info:
        lines.append(f"solve rate of the new task: {info['solve_rate']:.3f}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Play ``args.episodes`` episodes reading responses from stdin; return 0, or 1 if input ended early."""
    from azr_env.env import AbsoluteZeroEnv
    from azr_env.executor import Executor

    options = {key: value for key, value in (("role", args.role), ("task_type", args.task_type)) if value}
    with Executor(workers=1) as executor:
        env = AbsoluteZeroEnv(executor=executor, n_solve_samples=args.n_solve_samples, prompt_format=args.prompt_format)
        for episode in range(args.episodes):
            seed = None if args.seed is None else args.seed + episode
            if not _play_episode(env, seed, options):
                return 1
        env.close()
    return 0


def _play_episode(env: Any, seed: int | None, options: dict[str, str]) -> bool:
    observation, info = env.reset(seed=seed, options=options)
    print(f"=== {info['role']} episode, task type {info['task_type']} ===")
    terminated = False
    while not terminated:
        print(observation)
        print(f"--- type your response, then a line {END_MARK} ---", flush=True)
        response = read_response(sys.stdin)
        if response is None:
            print("end of input: episode abandoned", file=sys.stderr)
            return False
        observation, reward, terminated, _, info = env.step(response)
        print(describe(reward, info), flush=True)
    return True
