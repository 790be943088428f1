"""The sync in Simplified Chinese: the catalogue covers every message, the locale or --lang
chooses the language, and --help, errors and the summary come out translated."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from crm_performance_sync import i18n
from crm_performance_sync.cli import main

PACKAGE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%%")


def source_messages():
    """Every string given to ``_()`` or ``N_()`` in the package."""
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_")
            if called and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
    return found


def test_catalogue_translates_every_message():
    catalogue = i18n.Catalogue("zh_CN").messages
    assert sorted(source_messages() - catalogue.keys()) == [], "untranslated: update the .po"
    assert sorted(catalogue.keys() - source_messages()) == [], "obsolete entries in the .po"
    for message, translation in catalogue.items():
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(message)), message


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "zh_SG.utf8"}, "zh_CN"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_the_locale(environment, language):
    assert i18n.language_from_environment(environment) == language


def test_help_in_chinese_from_the_locale():
    env = {"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"}
    script = subprocess.run(
        [sys.executable, "-m", "crm_performance_sync.cli", "--help"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert script.stdout.startswith("用法：crm-performance-sync ")
    for text in ("位置参数", "显示此帮助信息并退出", "逐个单元格显示更改，不写入任何内容", "退出状态：",
                 "每超出计划 100% 的超额奖金比例（默认 0.10）；配置文件：[pay] bonus_rate"):  # fmt: skip
        assert text in script.stdout


def test_errors_in_chinese_with_lang(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["--lang", "zh_CN", "2026-10"]) == 2
    assert capsys.readouterr().err == (
        "crm-performance-sync：错误：请指定要更新的工作簿（或用 --new 新建），或使用 --csv PATH\n"
    )
    assert main(["--lang", "zh_CN", "2026-10", str(tmp_path / "missing.xlsx")]) == 6
    assert f"工作簿 {tmp_path / 'missing.xlsx'} 不存在（使用 --new 新建）" in capsys.readouterr().err


def test_a_refused_command_line_in_chinese(capsys, monkeypatch):
    """argparse's own messages come through the catalogue too (a wrong --lang: the locale's)."""
    with pytest.raises(SystemExit) as stopped:
        main(["--lang", "zh_CN", "--bogus", "2026-10", "payroll.xlsx"])
    assert (stopped.value.code, capsys.readouterr().err.splitlines()[-1]) == (
        2,
        "crm-performance-sync：错误：无法识别的参数：--bogus",
    )
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    with pytest.raises(SystemExit):
        main(["--lang", "xx", "2026-10"])
    assert capsys.readouterr().err.splitlines()[-1] == (
        "crm-performance-sync：错误：参数 --lang：无效的选择：'xx'（可选：'en', 'zh_CN'）"
    )


def test_read_po():
    text = (
        'msgid ""\nmsgstr "Language: zh_CN\\n"\n\n'
        'msgid "one"\nmsgstr "一"\n'
        'msgid ""\n"two "\n"lines"\nmsgstr ""\n"两\\n"\n"行"\n\n'
        '#, fuzzy\nmsgid "guess"\nmsgstr "猜"\n\n'
        'msgid "untranslated"\nmsgstr ""\n'
    )
    assert i18n.read_po(text) == {"one": "一", "two lines": "两\n行"}
