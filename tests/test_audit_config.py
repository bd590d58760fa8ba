"""Audit configuration: select/ignore like a linter, limits and phrases, from Python or TOML."""

from datetime import timedelta
from pathlib import Path

import pytest

from callflow import RULES, Thresholds
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


def refusal(error: ConfigError) -> tuple[object, object, str]:
    """What a refusal names: the setting's key path, the value refused, and why."""
    return error.field, error.value, error.reason


PREFIX_REASON = "must be a rule code or a prefix of one, such as 'CF2' or 'CF205'"


class TestRefusalsInFull:
    """Each refusal names its setting, the value refused and the reason, exactly."""

    @pytest.mark.parametrize(
        ("arguments", "expected"),
        [
            ({"select": "CF2"}, ("select", "CF2", "must be a list of rule codes or prefixes")),
            ({"ignore": 7}, ("ignore", 7, "must be a list of rule codes or prefixes")),
            ({"ignore": ["CF2", 3]}, ("ignore[1]", 3, PREFIX_REASON)),
            ({"select": ["CF", "C"]}, ("select[1]", "C", PREFIX_REASON)),
            ({"select": [""]}, ("select[0]", "", PREFIX_REASON)),
            ({"select": ["cf2"]}, ("select[0]", "cf2", PREFIX_REASON)),
            ({"select": ["F2"]}, ("select[0]", "F2", PREFIX_REASON)),
            ({"select": [type("Code", (str,), {})("CF2")]}, ("select[0]", "CF2", PREFIX_REASON)),
            (
                {"troubleshooting_budget": timedelta(0)},
                ("troubleshooting_budget", timedelta(0), "must be a positive timedelta"),
            ),
            (
                {"troubleshooting_budget": timedelta(seconds=-1)},
                ("troubleshooting_budget", timedelta(seconds=-1), "must be a positive timedelta"),
            ),
            (
                {"troubleshooting_budget": 600},
                ("troubleshooting_budget", 600, "must be a positive timedelta"),
            ),
            (
                {"thresholds": {"max_rings": 3}},
                ("thresholds", {"max_rings": 3}, "must be a callflow Thresholds"),
            ),
            (
                {"phrases": [("pt", {})]},
                ("phrases", [("pt", {})], "must map languages to tables of codes and phrases"),
            ),
            (
                {"phrases": {"de": {}}},
                ("phrases", "de", "must be keyed by a language of ('en', 'pt', 'es', 'it', 'fr')"),
            ),
            (
                {"phrases": {"it": ["CF802"]}},
                ("phrases.it", ["CF802"], "must map rule codes to phrases"),
            ),
            (
                {"phrases": {"fr": {"CF999": ["x"]}}},
                ("phrases.fr", "CF999", "must be keyed by rule codes"),
            ),
            (
                {"phrases": {"fr": {type("Code", (str,), {})("CF802"): ["x"]}}},
                ("phrases.fr", "CF802", "must be keyed by rule codes"),
            ),
            (
                {"phrases": {"es": {"CF802": "x"}}},
                ("phrases.es.CF802", "x", "must be a list of phrases"),
            ),
            (
                {"phrases": {"es": {"CF802": 3}}},
                ("phrases.es.CF802", 3, "must be a list of phrases"),
            ),
            (
                {"phrases": {"en": {"CF802": ["fine", "  "]}}},
                ("phrases.en.CF802[1]", "  ", "must be non-empty text"),
            ),
            (
                {"phrases": {"en": {"CF802": ["fine", 3]}}},
                ("phrases.en.CF802[1]", 3, "must be non-empty text"),
            ),
        ],
    )
    def test_python_refusals(
        self, arguments: dict[str, object], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig(**arguments)  # type: ignore[arg-type]
        assert refusal(caught.value) == expected

    def test_prefixes_up_to_twice_the_codes_are_read(self) -> None:
        """A list may repeat prefixes, up to twice as many as there are codes; no more."""
        limit = 2 * len(RULES)
        assert AuditConfig(ignore=["CF2"] * limit).ignore == ("CF2",) * limit
        with pytest.raises(ConfigError) as caught:
            AuditConfig(ignore=["CF2"] * (limit + 1))
        assert refusal(caught.value) == (
            "ignore",
            ["CF2"] * (limit + 1),
            "must not name more prefixes than there are codes",
        )

    def test_the_shortest_prefix_and_a_whole_code_are_accepted(self) -> None:
        config = AuditConfig(select=["CF", "CF1004"], ignore=("CF1",))
        assert (config.select, config.ignore) == (("CF", "CF1004"), ("CF1",))
        assert (config.reports("CF1004"), config.reports("CF1003"), config.reports("CF201")) == (
            True,
            False,
            True,
        )

    def test_a_code_is_asked_for_as_text(self) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig().reports(706)  # type: ignore[arg-type]
        assert refusal(caught.value) == ("code", 706, "must be a rule code, as text")

    def test_nothing_selected_reports_nothing(self) -> None:
        """A code no prefix selects is not reported, even with nothing ignored."""
        config = AuditConfig(select=("CF7",))
        assert [config.reports(code) for code in ("CF706", "CF205", "CF1004")] == [
            True,
            False,
            False,
        ]
        assert not AuditConfig(select=(), ignore=()).reports("CF205")

    def test_phrases_of_several_languages_and_codes(self) -> None:
        config = AuditConfig(
            phrases={
                "pt": {"CF802": ("vou ver",), "CF801": ["um momento", "só um instante"]},
                "es": {"CF802": iter(["a ver si puedo"])},
            }
        )
        assert config.phrases == {
            "pt": {"CF802": ("vou ver",), "CF801": ("um momento", "só um instante")},
            "es": {"CF802": ("a ver si puedo",)},
        }

    def test_phrases_do_not_count_in_equality_and_hash(self) -> None:
        """A configuration is hashable (phrases are a dict), and phrases do not count in ==."""
        plain, worded = AuditConfig(), AuditConfig(phrases={"pt": {"CF802": ["vou ver"]}})
        assert plain == worded
        assert hash(plain) == hash(worded)

    def test_a_tiny_budget_is_positive(self) -> None:
        tiny = timedelta(microseconds=1)
        assert AuditConfig(troubleshooting_budget=tiny).troubleshooting_budget == tiny
        assert AuditConfig().troubleshooting_budget == timedelta(minutes=10)


def write(tmp_path: Path, text: str, name: str = "callflow.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestTomlInFull:
    def test_every_setting_is_read(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            'select = ["CF5", "CF7"]\nignore = ["CF706"]\n'
            "troubleshooting-budget = 90.5\n"
            "[thresholds]\nmax-rings = 4\nring-cadence = 7\n"
            "check-in-every = 20\nmax-hold-silence = 50\n"
            '[phrases.it]\nCF802 = ["vediamo"]\n',
        )
        config = load_config(str(path))
        assert config == AuditConfig(
            select=("CF5", "CF7"),
            ignore=("CF706",),
            troubleshooting_budget=timedelta(seconds=90.5),
            thresholds=Thresholds(
                max_rings=4,
                ring_cadence=timedelta(seconds=7),
                check_in_every=timedelta(seconds=20),
                max_hold_silence=timedelta(seconds=50),
            ),
        )
        assert config.phrases == {"it": {"CF802": ("vediamo",)}}

    def test_from_mapping_reads_the_same_keys(self) -> None:
        config = AuditConfig.from_mapping(
            {"ignore": ["CF2"], "troubleshooting-budget": 86_400, "thresholds": {"max-rings": 5}}
        )
        assert AuditConfig.from_mapping(
            {"troubleshooting-budget": 0.5}
        ).troubleshooting_budget == timedelta(milliseconds=500)
        assert (config.ignore, config.troubleshooting_budget, config.thresholds.max_rings) == (
            ("CF2",),
            timedelta(days=1),
            5,
        )
        assert config.thresholds.ring_cadence == Thresholds().ring_cadence

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "colour = 1\n",
                (
                    "colour",
                    1,
                    "is not a setting; known: ['ignore', 'phrases', 'scorecard', 'select', "
                    "'thresholds', 'troubleshooting-budget']",
                ),
            ),
            ('ignore = ["CF", "X"]\n', ("ignore[1]", "X", PREFIX_REASON)),
            (
                "troubleshooting-budget = 0\n",
                (
                    "troubleshooting-budget",
                    0,
                    "must be a number of seconds, more than 0, at most a day",
                ),
            ),
            (
                "troubleshooting-budget = 86400.5\n",
                (
                    "troubleshooting-budget",
                    86400.5,
                    "must be a number of seconds, more than 0, at most a day",
                ),
            ),
            (
                "troubleshooting-budget = true\n",
                (
                    "troubleshooting-budget",
                    True,
                    "must be a number of seconds, more than 0, at most a day",
                ),
            ),
            (
                'troubleshooting-budget = "600"\n',
                (
                    "troubleshooting-budget",
                    "600",
                    "must be a number of seconds, more than 0, at most a day",
                ),
            ),
            ("thresholds = 3\n", ("thresholds", 3, "must be a table of limits")),
            (
                "[thresholds]\nrings = 3\n",
                (
                    "thresholds.rings",
                    3,
                    "is not a limit; known: ['check-in-every', 'max-hold-silence', "
                    "'max-rings', 'ring-cadence']",
                ),
            ),
            (
                "[thresholds]\nmax-rings = 0\n",
                ("thresholds.max-rings", 0, "must be a positive whole number"),
            ),
            (
                "[thresholds]\nmax-hold-silence = 86401\n",
                (
                    "thresholds.max-hold-silence",
                    86401,
                    "must be a number of seconds, more than 0, at most a day",
                ),
            ),
            (
                "[thresholds]\ncheck-in-every = 50\nmax-hold-silence = 40\n",
                (
                    "thresholds.check-in-every",
                    50,
                    "must not be longer than max_hold_silence, 0:00:40",
                ),
            ),
            (
                '[phrases.pt]\nCF802 = ""\n',
                ("phrases.pt.CF802", "", "must be a list of phrases"),
            ),
        ],
    )
    def test_file_refusals(
        self, tmp_path: Path, text: str, expected: tuple[object, object, str]
    ) -> None:
        path = write(tmp_path, text)
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        field, value, reason = expected
        assert refusal(caught.value) == (f"{path}.{field}", value, reason)

    def test_a_pyproject_names_its_table(self, tmp_path: Path) -> None:
        path = write(tmp_path, "[tool.callflow]\nselect = 3\n", name="pyproject.toml")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert refusal(caught.value) == (
            f"{path}: tool.callflow.select",
            3,
            "must be a list of rule codes or prefixes",
        )

    def test_a_pyproject_whose_tool_is_not_a_table_gives_the_defaults(self, tmp_path: Path) -> None:
        path = write(tmp_path, 'tool = "none"\n', name="pyproject.toml")
        assert load_config(path) == AuditConfig()

    def test_only_a_pyproject_is_read_under_tool_callflow(self, tmp_path: Path) -> None:
        """Any other file holds the settings at its top level: a ``tool`` key is unknown."""
        path = write(tmp_path, '[tool.callflow]\nignore = ["CF5"]\n', name="settings.toml")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.field == f"{path}.tool"

    def test_a_table_is_needed(self) -> None:
        for where, field in (("", "config"), ("mine.toml", "mine.toml")):
            with pytest.raises(ConfigError) as caught:
                AuditConfig.from_mapping(["select"], where=where)  # type: ignore[arg-type]
            assert refusal(caught.value) == (field, ["select"], "must be a table of settings")

    def test_a_mapping_without_where_names_bare_keys(self) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig.from_mapping({"thresholds": {"ring-cadence": -1}})
        assert refusal(caught.value) == (
            "thresholds.ring-cadence",
            -1,
            "must be a number of seconds, more than 0, at most a day",
        )

    @pytest.mark.parametrize("path", ["", 3, None])
    def test_a_path_is_needed(self, path: object) -> None:
        with pytest.raises(ConfigError) as caught:
            load_config(path)  # type: ignore[arg-type]
        assert refusal(caught.value) == ("path", path, "must be the path of a TOML file")

    def test_a_missing_file_says_why(self, tmp_path: Path) -> None:
        path = tmp_path / "missing.toml"
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert refusal(caught.value) == (
            "path",
            str(path),
            "cannot be read: No such file or directory",
        )

    def test_a_nul_in_the_path_says_why(self) -> None:
        with pytest.raises(ConfigError) as caught:
            load_config("call\0flow.toml")
        assert refusal(caught.value) == (
            "path",
            "call\0flow.toml",
            "cannot be read: embedded null byte",
        )

    def test_a_file_of_a_mebibyte_is_read_and_no_more(self, tmp_path: Path) -> None:
        line = "#" + "x" * 1022 + "\n"
        path = write(tmp_path, line * 1024)
        assert path.stat().st_size == 1 << 20
        assert load_config(path) == AuditConfig()
        path = write(tmp_path, line * 1024 + "\n")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert refusal(caught.value) == (
            "path",
            str(path),
            "is over 1048576 bytes: not a configuration",
        )

    def test_text_that_is_not_toml(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.toml"
        bad.write_bytes(b"select = [\n")
        with pytest.raises(ConfigError) as caught:
            load_config(bad)
        assert caught.value.field == "path"
        assert caught.value.value == str(bad)
        assert caught.value.reason.startswith("is not valid TOML: ")
        bad.write_bytes(b'ignore = ["\xff"]\n')
        with pytest.raises(ConfigError) as caught:
            load_config(bad)
        assert caught.value.reason.startswith("is not valid TOML: 'utf-8' codec can't decode")
