"""The public API: the names other tools import stay put, and the core import stays light."""

from __future__ import annotations

import subprocess
import sys

import unikommune

PUBLIC = [
    "FORMAT_VERSION", "SCHEMA_MODELS", "ActionPlan", "Activity", "Agreement", "AgreementParty",
    "Dataset", "DatasetPart", "DatasetReadError", "DatasetWriteError", "Finding", "Funding",
    "GovernanceBody", "GovernanceMembership", "Identifier", "InvalidDatasetError",
    "LearningActivity", "Link", "Mission", "Money", "Output", "ParticipantCount", "Participation",
    "Partner", "Period", "Placement", "Profile", "ProfileArea", "Project", "Publisher", "Record",
    "Report", "Rule", "SchemaError", "SdgLink", "SdgLinkProvenance", "Severity", "Statement",
    "Thesis", "Timeframe", "UnikommuneError", "UnikommuneWarning", "UnknownCodeError",
    "__version__", "assess", "codelists", "default_profile", "indicators", "load", "save",
    "schema_id", "validate",
]  # fmt: skip


def test_all_is_sorted_and_complete() -> None:
    assert sorted(unikommune.__all__) == sorted(PUBLIC)
    assert unikommune.__all__ == sorted(unikommune.__all__, key=lambda n: (not n.isupper(), n))
    for name in unikommune.__all__:
        assert hasattr(unikommune, name), name


def test_errors_share_one_base_and_the_builtin_a_caller_expects() -> None:
    assert issubclass(unikommune.DatasetReadError, unikommune.UnikommuneError)
    assert issubclass(unikommune.DatasetReadError, ValueError)
    assert issubclass(unikommune.InvalidDatasetError, unikommune.DatasetReadError)
    assert issubclass(unikommune.DatasetWriteError, OSError)
    assert issubclass(unikommune.UnknownCodeError, KeyError)
    assert issubclass(unikommune.SchemaError, unikommune.UnikommuneError)


def test_core_import_leaves_optional_modules_alone() -> None:
    code = (
        "import sys, unikommune; "
        "heavy = ('matplotlib', 'rich', 'unikommune.graph', 'orjson'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_version_is_the_package_version() -> None:
    from importlib.metadata import version

    assert unikommune.__version__ == version("unikommune")


def test_the_validation_package_is_not_hidden_by_the_validate_function() -> None:
    import unikommune.validation.report as report

    assert unikommune.validate is unikommune.validation.validate
    assert report.Report is unikommune.Report
