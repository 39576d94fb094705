"""The HR offices' desks (人事: the health bureau's and the lead hospital's) and the unit managers' (单位负责人):
the staff registry, quotas, postings, secondments, rotation, tidal dispatch, allowances, visit volumes. One
module per subject; `routers()` in console/pages/__init__.py imports them in menu order."""
