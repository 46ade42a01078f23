"""`--format junit`: JUnit XML, which Jenkins, GitLab and GitHub test reporters read.

A test suite per school and a test case per rule: a gap is a `<failure>` carrying the message, where it is and the
requirement's source sentence; a rule that cannot be judged and every data error are `<error>`s; a rule that does
not apply, or a waived gap, is `<skipped>`. Files that could not be read as a school, and the waivers, get a suite
of their own; the aggregate targets a last one. The output validates against the Jenkins xUnit plugin's
`junit-10.xsd`, which has no `file` attribute on a test case, so the location is in the case's text instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from carework import __version__
from carework.checking.run import CheckRun
from carework.core.i18n import target_figures
from carework.core.model import SEVERITY_LABELS, STATUS_LABELS, Result, School, Status, TargetResult
from carework.core.problems import Problem
from carework.formats.base import Format


class JunitFormat(Format):
    name = "junit"

    def render(self, run: CheckRun) -> str:
        root = ET.Element("testsuites", name=f"carework {__version__}: {run.plan.id}, {run.as_of.isoformat()}")
        problems_by_file: dict[str, list[Problem]] = defaultdict(list)
        for p in run.problems:
            problems_by_file[p.location.file].append(p)
        by_school: dict[str, list[Result]] = defaultdict(list)
        for r in run.listing:
            by_school[r.school].append(r)
        selected = set(run.selected)
        for school in run.schools:
            if school.code in selected:
                root.append(self.school_suite(run, school, by_school[school.code], problems_by_file.pop(school.file, [])))
        for file, problems in sorted(problems_by_file.items()):
            root.append(self.file_suite(file, problems))
        if run.targets:
            root.append(self.targets_suite(run))
        _count(root, root.findall("testsuite"))
        _clean(root)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    def school_suite(self, run: CheckRun, school: School, results: list[Result], problems: list[Problem]) -> ET.Element:
        lang = self.options.lang
        name = f"{school.name}（{school.code}）" if lang == "zh" else f"{school.name} ({school.code})"
        suite = ET.Element("testsuite", name=name, package=school.district, file=school.file)
        for result in results:
            suite.append(self.rule_case(run, school, result))
        self.add_problems(suite, school.code, problems)
        _count(suite, suite.findall("testcase"))
        return suite

    def rule_case(self, run: CheckRun, school: School, result: Result) -> ET.Element:
        lang = self.options.lang
        rule = run.plan.rule(result.rule)
        title = rule.title.get(lang) if rule else ""
        case = ET.Element("testcase", name=f"{result.rule} {title}".strip(), classname=f"{school.district}.{school.code}")
        where = f"{result.location.file}:{result.location.line}:{result.location.column}"
        if result.status == Status.FAIL:
            severity = SEVERITY_LABELS[result.severity][0 if lang == "zh" else 1]
            failure = ET.SubElement(case, "failure", type=result.severity, message=result.message(lang))
            lines = [f"[{severity}] {result.message(lang)}", where]
            if rule:
                lines.append(("原文：" if lang == "zh" else "Source (Chinese): ") + f"“{rule.source}”")
                if rule.remedy.get(lang):
                    lines.append(("整改：" if lang == "zh" else "To fix: ") + rule.remedy.get(lang))
            failure.text = "\n".join(lines)
        elif result.status == Status.ERROR:
            error = ET.SubElement(case, "error", type="unjudged", message=result.message(lang))
            error.text = f"{result.message(lang)}\n{where}"
        elif result.status in (Status.NOT_APPLICABLE, Status.WAIVED):
            label = STATUS_LABELS[result.status][0 if lang == "zh" else 1]
            message = result.message(lang)
            if result.status == Status.WAIVED and result.waiver:
                waiver = result.waiver
                message = (f"已豁免至 {waiver.expires}（{waiver.approved_by}：{waiver.reason}）：{message}" if lang == "zh"
                           else f"waived until {waiver.expires} ({waiver.approved_by}: {waiver.reason}): {message}")
            ET.SubElement(case, "skipped", type=result.status.value, message=f"{label}：{message}" if lang == "zh"
                          else f"{label}: {message}")
        return case

    def file_suite(self, file: str, problems: list[Problem]) -> ET.Element:
        suite = ET.Element("testsuite", name=file, file=file)
        self.add_problems(suite, file, problems)
        _count(suite, suite.findall("testcase"))
        return suite

    def add_problems(self, suite: ET.Element, classname: str, problems: list[Problem]) -> None:
        """Data errors become failing cases; warnings, which fail nothing, go to the suite's output."""
        lang = self.options.lang
        warnings = []
        for p in problems:
            where = f"{p.location.file}:{p.location.line}:{p.location.column}"
            text = p.message(lang) + (f" — {p.fix(lang)}" if p.fix(lang) else "")
            if p.level == "error":
                label = "数据" if lang == "zh" else "data"
                case = ET.SubElement(suite, "testcase", name=f"{label} {where} {p.code}", classname=classname)
                error = ET.SubElement(case, "error", type=p.code, message=p.message(lang))
                error.text = f"{text}\n{where}"
            else:
                warnings.append(f"{where}: {text}")
        if warnings:
            ET.SubElement(suite, "system-out").text = "\n".join(warnings)

    def targets_suite(self, run: CheckRun) -> ET.Element:
        lang = self.options.lang
        suite = ET.Element("testsuite", name="总体目标" if lang == "zh" else "Targets")
        titles = {t.id: t for t in run.plan.targets}
        for result in run.targets:
            suite.append(self.target_case(result, titles[result.target_id].title.get(lang)))
        _count(suite, suite.findall("testcase"))
        return suite

    def target_case(self, result: TargetResult, title: str) -> ET.Element:
        lang = self.options.lang
        scope = result.district or ("全市" if lang == "zh" else "city")
        case = ET.Element("testcase", name=f"{result.target_id} {title} — {scope}", classname=result.id)
        message = target_figures(result, title, lang)
        if result.status != "met":
            failure = ET.SubElement(case, "failure", type=result.status, message=message)
            failure.text = message
        else:
            ET.SubElement(case, "system-out").text = message
        return case


def _count(element: ET.Element, children: list[ET.Element]) -> None:
    """Set tests/failures/errors/skipped from the cases below `element` (directly or through suites)."""
    cases = [c for child in children for c in ([child] if child.tag == "testcase" else child.iter("testcase"))]
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    if element.tag == "testsuite":
        element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))


#: Characters XML 1.0 cannot carry at all; a record can smuggle them in through YAML's "\x07" escapes.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(root: ET.Element) -> None:
    """Replace characters XML cannot hold with U+FFFD, so one odd record never makes the whole file unreadable."""
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub("\ufffd", element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, _NOT_XML.sub("\ufffd", value))
