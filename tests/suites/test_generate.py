from azr_env.suites import generate

COUNTER = "def generate_inputs(rng):\n    return {'n': rng.randint(0, 10**9), 's': 'x' * rng.randint(1, 3)}\n"


def test_same_seeds_give_same_draws() -> None:
    assert generate.run_generator(COUNTER, ["a", "b"]) == generate.run_generator(COUNTER, ["a", "b"])


def test_draws_are_literal_reprs() -> None:
    draw = generate.run_generator(COUNTER, ["a"])[0]
    assert draw is not None and set(draw) == {"n", "s"} and draw["s"].startswith("'")


def test_non_literal_value_is_a_failed_draw() -> None:
    code = "def generate_inputs(rng):\n    return {'x': object()}\n"
    assert generate.run_generator(code, ["a"]) == [None]


def test_non_dict_result_is_a_failed_draw() -> None:
    assert generate.run_generator("def generate_inputs(rng):\n    return [1]\n", ["a"]) == [None]


def test_one_failing_draw_does_not_spoil_the_others() -> None:
    code = "def generate_inputs(rng):\n    v = rng.randint(0, 1)\n    return {'x': 1 / v}\n"
    draws = generate.run_generator(code, [str(i) for i in range(12)])
    assert None in draws and any(d is not None for d in draws)


def test_hanging_generator_times_out(monkeypatch) -> None:
    monkeypatch.setattr(generate, "TIMEOUT_S", 0.5)
    assert generate.run_generator("def generate_inputs(rng):\n    while True:\n        pass\n", ["a"]) == [None]


def test_generator_cannot_write_files(tmp_path) -> None:
    target = tmp_path / "written"
    code = f"def generate_inputs(rng):\n    open({str(target)!r}, 'w').write('x' * 10)\n    return {{'a': 1}}\n"
    generate.run_generator(code, ["a"])
    assert not target.exists() or target.stat().st_size == 0
