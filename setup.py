"""Package the project's own framework inside the wheel.

``framework/`` and ``references.bib`` live at the top of the repository (that
is where contributors edit them); a wheel carries a copy under
``socioaffective/data/`` so that ``socioaffective.load()`` works when the
package is installed without the checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithFramework(build_py):
    def run(self):
        super().run()
        data = Path(self.build_lib) / "socioaffective" / "data"
        if (HERE / "framework").is_dir():
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(HERE / "framework", data / "framework", ignore=shutil.ignore_patterns("README.md"))
            if (HERE / "references.bib").exists():
                shutil.copy2(HERE / "references.bib", data / "references.bib")


setup(cmdclass={"build_py": BuildWithFramework})
