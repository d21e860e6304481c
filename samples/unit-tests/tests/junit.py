"""Runs the unittest suite and writes JUnit XML, with nothing but the standard library.

Usage: python3 tests/junit.py <report.xml>; exits non-zero when a test fails, like pytest.
"""
import sys
import time
import unittest
import xml.etree.ElementTree as ET


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []
        self._start = 0.0

    def startTest(self, test):
        self._start = time.perf_counter()
        super().startTest(test)

    def _record(self, test, kind=None, detail=None):
        elapsed = time.perf_counter() - self._start
        self.cases.append((test, kind, detail, elapsed))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)


def main(path):
    suite = unittest.defaultTestLoader.discover("tests", top_level_dir=".")
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=2)
    result = runner.run(suite)
    root = ET.Element("testsuite", name="unit-tests", tests=str(len(result.cases)),
                      failures=str(len(result.failures)), errors=str(len(result.errors)),
                      skipped=str(len(result.skipped)))
    for test, kind, detail, elapsed in result.cases:
        case = ET.SubElement(root, "testcase", classname=type(test).__module__ + "." + type(test).__name__,
                             name=test._testMethodName, time="%.6f" % elapsed)
        if kind:
            child = ET.SubElement(case, kind, message=(detail or "").strip().splitlines()[-1] if detail else "")
            child.text = detail
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/junit.xml"))
