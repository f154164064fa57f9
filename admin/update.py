#!/usr/bin/env python3
"""Vendor a pinned Sveltia CMS release into admin/, so /admin/ loads nothing from another host.

    python3 admin/update.py            # the latest release on npm
    python3 admin/update.py 0.221.1    # a given release

It asks npm (`npm pack`, in a temporary folder) for @sveltia/cms and for the fontsource
packages its bundle names, then writes beside this script:

    sveltia-cms.js          dist/sveltia-cms.js, without its source map, every CDN URL rewritten:
                            fontsource fonts → fonts/…, https://unpkg.com/… → unpkg/… (local)
    fonts/                  the three woff2 files the bundle's CSS asks for, with their licences
    unpkg/                  the few unpkg paths the bundle fetches at run time, mirrored locally:
                            the interface in every language (zh-CN first), the JSON Schema of
                            config.yml, and package.json (the bundle's "new version?" check)
                            The GitHub/GitLab status pages it polls → an empty local answer
    LICENSE-sveltia-cms.txt the CMS's licence (MIT)
    VERSIONS.json           every vendored package and its version

Everything else the bundle could fetch from unpkg (syntax highlighting, maps, PDF and
HEIC previews, image encoders) now points to a local path that does not exist: the
feature quietly degrades; nothing is ever requested from another host. Our config.yml
uses none of those widgets.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "@sveltia/cms"
FONT_URL = re.compile(r"https://cdn\.jsdelivr\.net/fontsource/fonts/([a-z0-9-]+)(:vf)?@([0-9.]+)/([a-z0-9-]+\.woff2)")
# The sign-in page polls the git host's public status page: answered locally as "unknown".
STATUS_URL = re.compile(r"https://(?:www\.githubstatus\.com/api/v2/status\.json|status-api\.hostedstatus\.com/1\.0/status/\w+)")
UNKNOWN_STATUS = "data:application/json,{}"
UNPKG = "https://unpkg.com/"
LOCAL_UNPKG = "unpkg/"


def npm_pack(spec: str, work: Path) -> Path:
    """Download one package tarball with npm and unpack it; returns its `package/` folder."""
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=work, check=True, capture_output=True, text=True)
    tarball = work / out.stdout.strip().splitlines()[-1]
    target = work / tarball.stem
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def latest_version() -> str:
    return subprocess.run(["npm", "view", PACKAGE, "version"], check=True, capture_output=True,
                          text=True).stdout.strip()


def vendor_fonts(bundle: str, work: Path, versions: dict[str, str]) -> str:
    """Copy each font the bundle names from its fontsource package; point the bundle at the copy."""
    fonts = HERE / "fonts"
    shutil.rmtree(fonts, ignore_errors=True)
    fonts.mkdir()
    for match in sorted(set(FONT_URL.findall(bundle))):
        name, variable, version, file = match
        package = f"@fontsource{'-variable' if variable else ''}/{name}"
        source = npm_pack(f"{package}@{version}", work)
        shutil.copyfile(source / "files" / f"{name}-{file}", fonts / f"{name}-{file}")
        shutil.copyfile(source / "LICENSE", fonts / f"LICENSE-{name}.txt")
        versions[package] = version
    return FONT_URL.sub(lambda m: f"fonts/{m.group(1)}-{m.group(4)}", bundle)


def vendor_unpkg(cms: Path, version: str) -> None:
    """Mirror the unpkg paths the bundle fetches at run time under unpkg/."""
    mirror = HERE / "unpkg"
    shutil.rmtree(mirror, ignore_errors=True)
    locales = mirror / f"{PACKAGE}@{version}" / "locales"
    locales.mkdir(parents=True)
    # Every interface language: the bundle picks the browser's and, when it cannot load it, asks again and again.
    for locale in sorted((cms / "locales").glob("*.json")):
        shutil.copyfile(locale, locales / locale.name)
    latest = mirror / PACKAGE
    (latest / "schema").mkdir(parents=True)
    shutil.copyfile(cms / "schema" / "sveltia-cms.json", latest / "schema" / "sveltia-cms.json")
    # The bundle compares this version with its own every hour: equal, so it stays quiet.
    (latest / "package.json").write_text(json.dumps({"name": PACKAGE, "version": version}) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    version = argv[0] if argv else latest_version()
    with tempfile.TemporaryDirectory(prefix="sveltia-") as folder:
        work = Path(folder)
        cms = npm_pack(f"{PACKAGE}@{version}", work)
        bundle = (cms / "dist" / "sveltia-cms.js").read_text(encoding="utf-8")
        versions = {PACKAGE: version}
        bundle = vendor_fonts(bundle, work, versions)
        bundle = bundle.replace(UNPKG, LOCAL_UNPKG)
        bundle = STATUS_URL.sub(UNKNOWN_STATUS, bundle)
        bundle = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", bundle)
        left = re.findall(r"https://(?:cdn\.jsdelivr\.net|unpkg\.com|fonts\.(?:googleapis|gstatic)\.com)\S*", bundle)
        if left:
            print(f"CDN URLs left in the bundle, not vendored: {sorted(set(left))}", file=sys.stderr)
            return 1
        (HERE / "sveltia-cms.js").write_text(bundle, encoding="utf-8")
        vendor_unpkg(cms, version)
        shutil.copyfile(cms / "LICENSE.txt", HERE / "LICENSE-sveltia-cms.txt")
    (HERE / "VERSIONS.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"admin/: {', '.join(f'{name}@{v}' for name, v in sorted(versions.items()))}")
    print("Next: python3 build.py schemas && python3 build.py test -q tests/test_cms.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
