"""Audit configuration: select/ignore like a linter, limits and phrases, from Python or TOML."""

from datetime import timedelta
from pathlib import Path

import pytest

from callflow import Thresholds
from callflow.audit.config import AuditConfig, load_config
from callflow.errors import ConfigError


class TestSelection:
    def test_default_reports_every_code(self) -> None:
        config = AuditConfig()
        assert config.reports("CF001")
        assert config.reports("CF1004")

    def test_ignore_a_section(self) -> None:
        config = AuditConfig(ignore=("CF7",))
        assert not config.reports("CF706")
        assert config.reports("CF601")

    def test_the_longest_prefix_decides(self) -> None:
        config = AuditConfig(select=("CF", "CF706"), ignore=("CF7",))
        assert config.reports("CF706")
        assert not config.reports("CF702")

    def test_ignore_wins_a_tie(self) -> None:
        assert not AuditConfig(select=("CF5",), ignore=("CF5",)).reports("CF504")

    def test_select_narrows(self) -> None:
        config = AuditConfig(select=("CF5",))
        assert config.reports("CF504")
        assert not config.reports("CF205")

    def test_prefixes_are_text_prefixes(self) -> None:
        """As in ruff: CF100 covers CF1001-CF1004; CF10 covers CF101 and CF102 too."""
        narrow = AuditConfig(select=("CF100",))
        assert narrow.reports("CF1002")
        assert not narrow.reports("CF101")
        wide = AuditConfig(select=("CF10",))
        assert wide.reports("CF1002")
        assert wide.reports("CF101")
        assert not wide.reports("CF201")

    @pytest.mark.parametrize(
        ("select", "field"),
        [
            ("CF2", "select"),
            (["XX"], "select[0]"),
            (["CF", "C"], "select[1]"),
            ([3], "select[0]"),
            (["CF99"], "select[0]"),
            (None, "select"),
        ],
    )
    def test_bad_prefixes_are_named(self, select: object, field: str) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig(select=select)  # type: ignore[arg-type]
        assert caught.value.field == field

    def test_a_huge_list_is_refused_without_reading_it_all(self) -> None:
        def endless() -> object:
            while True:
                yield "CF2"

        with pytest.raises(ConfigError, match="more prefixes"):
            AuditConfig(ignore=endless())  # type: ignore[arg-type]


class TestValues:
    def test_phrases_per_language(self) -> None:
        config = AuditConfig(phrases={"pt": {"CF802": ["vou ver se consigo"]}})
        assert config.phrases["pt"]["CF802"] == ("vou ver se consigo",)

    @pytest.mark.parametrize(
        ("phrases", "field"),
        [
            ({"de": {}}, "phrases"),
            ({"pt": {"CF999": ["x"]}}, "phrases.pt"),
            ({"pt": {"CF802": "x"}}, "phrases.pt.CF802"),
            ({"pt": {"CF802": ["", "x"]}}, "phrases.pt.CF802[0]"),
            ({"pt": []}, "phrases.pt"),
            ([], "phrases"),
        ],
    )
    def test_bad_phrases_are_named(self, phrases: object, field: str) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig(phrases=phrases)  # type: ignore[arg-type]
        assert caught.value.field == field

    def test_budget_and_thresholds(self) -> None:
        config = AuditConfig(
            troubleshooting_budget=timedelta(minutes=5), thresholds=Thresholds(max_rings=3)
        )
        assert (config.troubleshooting_budget, config.thresholds.max_rings) == (
            timedelta(minutes=5),
            3,
        )
        with pytest.raises(ConfigError):
            AuditConfig(troubleshooting_budget=timedelta(0))
        with pytest.raises(ConfigError):
            AuditConfig(thresholds={"max_rings": 3})  # type: ignore[arg-type]


class TestToml:
    def test_pyproject_table(self, tmp_path: Path) -> None:
        path = tmp_path / "pyproject.toml"
        path.write_text(
            '[project]\nname = "x"\n'
            "[tool.callflow]\n"
            'select = ["CF"]\nignore = ["CF706", "CF2"]\n'
            "troubleshooting-budget = 900\n"
            "[tool.callflow.thresholds]\nmax-rings = 3\nring-cadence = 5\n"
            '[tool.callflow.phrases.pt]\nCF802 = ["vou ver se consigo"]\n',
            encoding="utf-8",
        )
        config = load_config(path)
        assert config.ignore == ("CF706", "CF2")
        assert config.troubleshooting_budget == timedelta(seconds=900)
        assert config.thresholds.max_rings == 3
        assert config.thresholds.ring_cadence == timedelta(seconds=5)
        assert config.phrases["pt"]["CF802"] == ("vou ver se consigo",)
        assert not config.reports("CF205")

    def test_pyproject_without_the_table_gives_the_defaults(self, tmp_path: Path) -> None:
        path = tmp_path / "pyproject.toml"
        path.write_text('[project]\nname = "x"\n', encoding="utf-8")
        assert load_config(path) == AuditConfig()

    def test_a_file_of_its_own(self, tmp_path: Path) -> None:
        path = tmp_path / "callflow.toml"
        path.write_text('ignore = ["CF5"]\n', encoding="utf-8")
        assert load_config(path).ignore == ("CF5",)

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            ("colour = 1\n", "colour"),
            ('select = "CF"\n', "select"),
            ("[thresholds]\nmax-rings = 0\n", "thresholds.max-rings"),
            ("[thresholds]\nrings = 3\n", "thresholds.rings"),
            ("[thresholds]\nring-cadence = -1\n", "thresholds.ring-cadence"),
            ("[thresholds]\ncheck-in-every = 50\n", "thresholds.check-in-every"),
            ("troubleshooting-budget = true\n", "troubleshooting-budget"),
            ("thresholds = 3\n", "thresholds"),
        ],
    )
    def test_bad_settings_name_their_key_and_file(
        self, tmp_path: Path, text: str, field: str
    ) -> None:
        path = tmp_path / "callflow.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.field == f"{path}.{field}"

    def test_unreadable_files(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="cannot be read"):
            load_config(tmp_path / "missing.toml")
        bad = tmp_path / "bad.toml"
        bad.write_text("select = [", encoding="utf-8")
        with pytest.raises(ConfigError, match="not valid TOML"):
            load_config(bad)
        with pytest.raises(ConfigError):
            load_config(3)  # type: ignore[arg-type]
