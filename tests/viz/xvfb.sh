#!/bin/sh
# Runs a command under a virtual X server. `xvfb-run -a` alone starts from display :99 and
# picks a free number racily, so two suites started together (several builds on one machine)
# can collide; starting from a number spread by the process id makes that unlikely.
exec xvfb-run -a -n $((100 + $$ % 800)) "$@"
