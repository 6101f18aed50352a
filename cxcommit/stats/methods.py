"""The names of the statistical methods a user can choose: intervals for a share and p-value
adjustments.

Light to import (no scipy), so that the settings and the command line's choices name them without
loading the statistics; each registry (:data:`cxcommit.stats.intervals.CI_METHODS`,
:data:`cxcommit.stats.adjust.P_ADJUST`) is keyed by exactly these names, in this order (a test
checks it).
"""

CI_METHOD_NAMES = ("wilson", "clopper_pearson", "agresti_coull")
P_ADJUST_NAMES = ("holm", "bh", "bonferroni", "none")
