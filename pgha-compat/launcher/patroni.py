#!/usr/bin/env python
# pgha's member launcher for Patroni's behave features: the one adaptation of Patroni's test code.
#
# features/environment.py (unchanged) starts every member as
#     python -m coverage run --source=patroni -p patroni.py <member>.yml
# in the run directory. For the pgha run this file takes the place of Patroni's patroni.py and
# replaces the process with the pgha sidecar on the same generated configuration. exec keeps the
# PID, so the harness's terminate (SIGTERM), kill (SIGKILL) and SIGSTOP reach the sidecar itself.
import os
import sys

java = os.environ.get('PGHA_JAVA', 'java')
jar = os.environ['PGHA_SIDECAR_JAR']
options = os.environ.get('PGHA_JAVA_OPTIONS', '-Xmx256m -XX:+UseSerialGC').split()
sys.stdout.flush()
sys.stderr.flush()
os.execvp(java, [java] + options + ['-jar', jar] + sys.argv[1:])
