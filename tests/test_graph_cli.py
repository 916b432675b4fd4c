"""The ``unikommune graph`` and ``unikommune metrics`` commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from tests.conftest import DATA

from unikommune.cli import main

SMALL = DATA / "graph" / "small"


def test_graph_writes_graphml_by_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "partners.graphml"
    assert main(["graph", str(SMALL), "--level", "organisation", "-o", str(out)]) == 0
    graph = nx.read_graphml(out)
    assert sorted(graph) == ["partner:firm", "partner:kommune", "partner:ngo", "partner:uni"]
    assert "4 nodes, 6 edges" in capsys.readouterr().err


def test_graph_views_and_time_filter_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["graph", str(SMALL), "--view", "placements", "--year", "2021", "--format", "csv"])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["source"], r["target"], r["students"]) for r in rows} == {
        ("partner:uni", "partner:skole", "5"),
        ("partner:inst", "partner:kommune", "10"),
    }
    assert (
        main(["graph", str(SMALL), "--view", "full", "--period", "2019/2019", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {n["id"] for n in data["nodes"] if n["kind"] == "project"} == {
        "project:p1",
        "project:p5",
        "project:p6",
    }
    assert main(["graph", str(SMALL), "--view", "mission-sdg", "--format", "cytoscape"]) == 0
    assert json.loads(capsys.readouterr().out)["elements"]["nodes"]


def test_graph_with_picture(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / "partners.svg"
    assert main(["graph", str(SMALL), "-o", str(tmp_path / "g.gexf"), "--plot", str(picture)]) == 0
    assert picture.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "20x1"], "is not a year"),
        (["--period", "2021/2020"], "ends (2020) before it starts"),
        (["--via", "grants"], "unknown activity kind grants"),
        (["-o", "out.txt"], "cannot tell the format"),
        (["--plot", "out.pdf"], "a picture is .png or .svg"),
    ],
)
def test_graph_usage_errors(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main(["graph", str(SMALL), *args])
    except SystemExit as stop:
        code = stop.code  # type: ignore[assignment]
    assert code == 2
    assert message in capsys.readouterr().err


def test_graph_never_writes_over_input_or_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    before = (folder / "dataset.json").read_bytes()
    code = main(
        ["graph", str(folder), "-o", str(folder / "dataset.json"), "--format", "json", "--force"]
    )
    assert code == 2
    assert "will not write over the dataset" in capsys.readouterr().err
    assert (folder / "dataset.json").read_bytes() == before
    existing = tmp_path / "g.graphml"
    existing.write_text("keep", encoding="utf-8")
    assert main(["graph", str(folder), "-o", str(existing)]) == 2
    assert existing.read_text(encoding="utf-8") == "keep"
    assert main(["graph", str(folder), "-o", str(existing), "--force"]) == 0


def test_unreadable_dataset_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("unikommune: error:")
    assert "Traceback" not in err


def test_metrics_yearly_table_csv_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(SMALL), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["period"] for r in rows] == ["2018", "2019", "2020", "2021"]
    assert [r["students_placed"] for r in rows] == ["0", "0", "30", "15"]
    # 2018: the four organisations are there, none active, no tie: density 0
    assert (rows[0]["partners"], rows[0]["active_partners"]) == ("4", "0")
    assert rows[0]["density"] == "0.0"
    assert main(["metrics", str(SMALL), "--year", "2019", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    # 2019: kommune, uni and firm (p1) form a triangle; ngo is an isolate
    assert (row["partners"], row["active_partners"], row["ties"]) == (4, 3, 3)
    assert row["isolates"] == 1
    assert main(["metrics", str(SMALL)]) == 0
    table = capsys.readouterr().out
    assert "Network metrics per year" in table
    assert "synergy_t3" in table


def test_metrics_per_partner_and_sdg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(SMALL), "--partners", "--level", "unit", "--format", "json"]) == 0
    rows = {r["node"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["partner:kommune"]["betweenness"] == pytest.approx(0.6)
    assert rows["partner:ngo"]["constraint"] is not None
    out = tmp_path / "sdg.csv"
    assert main(["metrics", str(SMALL), "--sdg", "-o", str(out)]) == 0
    coverage = {
        int(r["goal"]): int(r["activities"])
        for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    }
    assert {g: n for g, n in coverage.items() if n} == {4: 3, 11: 3, 13: 1}
    assert main(["metrics", str(SMALL), "--plot", str(tmp_path / "x.png")]) == 2
    assert "add --sdg" in capsys.readouterr().err


def test_metrics_sdg_chart(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / "sdg.png"
    assert main(["metrics", str(SMALL), "--sdg", "--plot", str(picture)]) == 0
    assert picture.read_bytes().startswith(b"\x89PNG")


FORMULAS = {
    "firm": '=HYPERLINK("http://x")',
    "ngo": "+1",
    "kommune": "-1",
    "uni": "@SUM(A1)",
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The small dataset with partners and programmes named like spreadsheet formulas."""
    document = json.loads((SMALL / "dataset.json").read_text(encoding="utf-8"))
    for partner in document["partners"]:
        if partner["id"] in FORMULAS:
            partner["name"] = {"en": FORMULAS[partner["id"]]}
    for placement, name in zip(document["placements"], FORMULAS.values(), strict=False):
        placement["programme"] = {"en": name}
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "dataset.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def cells(path: Path) -> list[list[Any]]:
    """Read a CSV file as a spreadsheet would: quoted cells text, bare cells numbers."""
    with path.open(encoding="utf-8", newline="") as stream:
        return [list(row) for row in csv.reader(stream, quoting=csv.QUOTE_NONNUMERIC)]


def test_csv_outputs_neutralise_formulas(hostile: Path, tmp_path: Path) -> None:
    partners = tmp_path / "partners.csv"
    assert main(["metrics", str(hostile), "--partners", "-o", str(partners)]) == 0
    full = tmp_path / "full.csv"
    assert main(["graph", str(hostile), "--view", "full", "--format", "csv", "-o", str(full)]) == 0
    for table in (cells(partners), cells(full)):
        text = [cell for row in table for cell in row if isinstance(cell, str)]
        assert not [cell for cell in text if cell[:1] in set("=+-@\t\r\n")]
    rows = cells(partners)
    labels = {row[rows[0].index("label")] for row in rows[1:]}
    assert {"'" + name for name in FORMULAS.values()} <= labels
    assert all(isinstance(row[rows[0].index("betweenness")], float) for row in rows[1:])
    full_rows = cells(full)
    programmes = {row[full_rows[0].index("programme")] for row in full_rows[1:]}
    assert {"'" + name for name in list(FORMULAS.values())[:3]} <= programmes  # 3 placements
    raw = full.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://x"")"' in raw
    assert ",30,1,2020," in raw  # numbers stay bare numbers: students, students_exact, year


@pytest.mark.parametrize(
    "command",
    [
        ["graph", "-o", "{link}", "--format", "csv"],
        ["graph", "--plot", "{link}"],
        ["metrics", "-o", "{link}", "--format", "csv"],
    ],
)
def test_output_onto_a_symlink_exits_2_and_leaves_its_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"precious")
    link = tmp_path / "out.png"
    link.symlink_to(victim)
    name, *rest = command
    args = [name, str(SMALL), *(item.format(link=link) for item in rest), "--force"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "symbolic link" in err
    assert victim.read_bytes() == b"precious"
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png", "victim.png"]


def test_metrics_needs_force_to_replace_and_dash_is_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "metrics.csv"
    out.write_text("keep", encoding="utf-8")
    assert main(["metrics", str(SMALL), "-o", str(out)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep"
    assert main(["metrics", str(SMALL), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith('"period",')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.csv"]
    capsys.readouterr()
    assert main(["metrics", str(SMALL), "-o", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith('"period",')
    assert main(["graph", str(SMALL), "-o", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["nodes"]


def test_metrics_imports_networkit_without_pyplot_and_gives_pyplot_back(tmp_path: Path) -> None:
    pytest.importorskip("networkit")
    pytest.importorskip("matplotlib")
    import subprocess
    import sys

    # A process of its own: the test process may hold pyplot already.
    code = (
        "import sys\n"
        "from unikommune.cli import main\n"
        "main(['metrics', 'examples/trondheim', '--partners', '--backend', 'networkit',"
        " '--format', 'json', '-o', sys.argv[1]])\n"
        "pyplot_then = 'matplotlib.pyplot' in sys.modules\n"
        "import matplotlib.pyplot\n"
        "print(pyplot_then, 'networkit' in sys.modules, matplotlib.pyplot.__name__)\n"
    )
    target = tmp_path / "metrics.json"
    done = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "True", "matplotlib.pyplot"]
    assert len(json.loads(target.read_text(encoding="utf-8"))) > 5


def test_the_years_are_measured_side_by_side_and_give_the_same_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import benchmark_generator

    folder = tmp_path / "tiny"
    benchmark_generator().generate("tiny", folder, seed=5)
    for command in ("metrics", "indicators"):
        tables = []
        for count in ("1", "3"):
            assert main([command, str(folder), "--format", "json", "--jobs", count]) == 0
            tables.append(capsys.readouterr().out)
        assert tables[0] == tables[1]
        assert len(json.loads(tables[0])) > 3


def test_metrics_refuses_no_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["metrics", "examples/trondheim", "--jobs", "0"])
    assert stopped.value.code == 2
    assert "expected a whole number of 1 or more" in capsys.readouterr().err
