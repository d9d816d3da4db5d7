"""The neural voice's model with its phoneme durations as an output, made once at set-up.

The same set-up command also writes the voice's pronouncing tables (g2p_tables.py).

hibari-tts's model predicts how long each phoneme lasts and expands the phonemes by those
durations inside the graph, but hands out only the spectrum. The word highlight needs the
durations, so the set-up step (``python -m kiosk.narration.engines.timed_model build``, run by
dev.sh and kiosk.spec) writes a copy of the model that also outputs them: the same nodes and
weights, one more output. It needs the ``onnx`` package; the kiosk itself only reads the copy
with onnxruntime. Without the copy the voice still speaks, with the sentence highlighted.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
from pathlib import Path

from kiosk.narration.engines import g2p_tables
from kiosk.narration.engines.g2p_tables import tables_path
from kiosk.paths import resources_dir

# The name of the added output: int64 [phonemes], in model frames (see FRAMES_PER_UNIT).
DURATIONS_OUTPUT = "durations"
# The copy records which model it was made from, so that a new hibari-tts is noticed.
SOURCE_KEY = "kiosk.source_sha256"


def source_model() -> Path:
    """The model inside the hibari-tts wheel (the voice "heart"); never a downloaded voice."""
    import hibari  # noqa: PLC0415 - heavy (numpy), and only the worker and the set-up need it

    return Path(hibari.__file__).resolve().parent / "assets" / "hibari.onnx"


def timed_model() -> Path:
    """Where the set-up step puts the copy with durations."""
    return resources_dir() / "voices" / "hibari-heart.timed.onnx"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_current(target: Path, source: Path) -> bool:
    """Whether ``target`` is a copy with durations made from ``source`` as it is now."""
    import onnx  # noqa: PLC0415

    try:
        model = onnx.load(str(target), load_external_data=False)
    except Exception:  # missing, truncated or not a model at all: make it again
        return False
    props = {prop.key: prop.value for prop in model.metadata_props}
    outputs = {output.name for output in model.graph.output}
    return props.get(SOURCE_KEY) == sha256_of(source) and DURATIONS_OUTPUT in outputs


def build(source: Path, target: Path) -> None:
    """Write ``target``: ``source`` with the phoneme durations as the output ``durations``.

    The durations are the one tensor the graph sums cumulatively (its CumSum node) to place
    each phoneme's frames. Raises ValueError when the graph has no such tensor (a hibari-tts
    whose graph changed: the kiosk then highlights sentences), OSError when it cannot write.
    """
    import onnx  # noqa: PLC0415

    model = onnx.load(str(source))
    cumulative = [node for node in model.graph.node if node.op_type == "CumSum"]
    if len(cumulative) != 1:
        raise ValueError(
            f"{source}: expected one CumSum node (the duration expansion), found "
            f"{len(cumulative)}; this hibari-tts is not the one the kiosk knows (0.2.1)"
        )
    durations = cumulative[0].input[0]
    model.graph.node.append(onnx.helper.make_node("Identity", [durations], [DURATIONS_OUTPUT]))
    model.graph.output.append(
        onnx.helper.make_tensor_value_info(DURATIONS_OUTPUT, onnx.TensorProto.INT64, ["phonemes"])
    )
    onnx.helper.set_model_props(
        model,
        {**{p.key: p.value for p in model.metadata_props}, SOURCE_KEY: sha256_of(source)},
    )
    onnx.checker.check_model(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    onnx.save(model, str(partial))
    partial.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.narration.engines.timed_model",
        description="Make the natural voice's model with phoneme durations (for word "
        "highlighting) and its pronouncing tables (to hold less memory).",
    )
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--target", type=Path, default=None, help="where to write the copy")
    args = parser.parse_args(argv)
    source, target = source_model(), args.target or timed_model()
    tables = target.with_name(tables_path().name)
    try:
        if is_current(target, source):
            print(f"{target} is up to date")
        else:
            build(source, target)
            print(f"wrote {target}")
        if g2p_tables.is_current(tables):
            print(f"{tables} is up to date")
        else:
            g2p_tables.build(tables)
            print(f"wrote {tables}")
    except (ValueError, OSError, sqlite3.Error) as error:
        print(f"cannot make the natural voice's files: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
