#!/usr/bin/env python3
"""Installs the independent readers the bank-file tests validate with, into a cache folder:

- a Python venv with the strict BAI2 parser `bai2` and the XSD validator `xmlschema`
  (requirements.txt, pinned by hash), for BAI2 and camt.052/camt.053 files;
- the `mt940` crate's `sta2json` (`cargo install --locked`), a strict MT940 parser.

Idempotent and safe to run from several test processes at once (a lock in the cache folder).
Prints the cache folder on success; exits non-zero, saying what failed, when it cannot install
(for example without a package registry): the tests then fail, they never pass unchecked.

usage: bootstrap.py CACHE_DIR
"""

import fcntl
import os
import shutil
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
MT940_VERSION = "1.1.1"


def run(cmd, what):
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"bootstrap: cannot install {what}: {' '.join(cmd)} failed:\n{done.stdout}\n")
        sys.exit(1)


def python_readers(cache):
    env = os.path.join(cache, "venv")
    marker = os.path.join(env, "installed-requirements.txt")
    wanted = open(REQUIREMENTS).read()
    if os.path.exists(marker) and open(marker).read() == wanted:
        return
    shutil.rmtree(env, ignore_errors=True)
    venv.EnvBuilder(with_pip=True).create(env)
    pip = [os.path.join(env, "bin", "python"), "-m", "pip", "--disable-pip-version-check"]
    run(pip + ["install", "--quiet", "--require-hashes", "-r", REQUIREMENTS], "bai2 and xmlschema")
    with open(marker, "w") as f:
        f.write(wanted)


def sta2json(cache):
    binary = os.path.join(cache, "bin", "sta2json")
    marker = os.path.join(cache, "mt940-version")
    if os.path.exists(binary) and os.path.exists(marker) and open(marker).read() == MT940_VERSION:
        return
    cargo = os.environ.get("CARGO", "cargo")
    run([cargo, "install", "--quiet", "--locked", "mt940", "--version", MT940_VERSION,
         "--root", cache, "--force"], "sta2json (crate mt940)")
    with open(marker, "w") as f:
        f.write(MT940_VERSION)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cache = os.path.abspath(sys.argv[1])
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        python_readers(cache)
        sta2json(cache)
    print(cache)


if __name__ == "__main__":
    main()
