"""Package the project's own framework inside the wheel.

``framework/`` and ``references.bib`` live at the top of the repository (that
is where contributors edit them); a wheel carries a copy under
``socioaffective/data/`` so that ``socioaffective.load()`` works when the
package is installed without the checkout. ``MANIFEST.in`` puts both into
the sdist, so ``python -m build`` (sdist first, then the wheel from it) gives
the same wheel as a build from the tree. A build without them is an error: a
wheel without its framework would install fine and fail at the first
``load()``.
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
        missing = [name for name in ("framework/schema.yaml", "references.bib") if not (HERE / name).is_file()]
        if missing:
            raise SystemExit(
                f"error: cannot build socioaffective: {', '.join(missing)} missing under {HERE}; "
                "build from a checkout or from an sdist made with MANIFEST.in (python -m build)"
            )
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(HERE / "framework", data / "framework", ignore=shutil.ignore_patterns("README.md"))
        shutil.copy2(HERE / "references.bib", data / "references.bib")


setup(cmdclass={"build_py": BuildWithFramework})
