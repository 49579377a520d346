"""The third step: DR-1 and the public draws of firms and teams, their files, background jobs
and replacements (递补), and the standalone verifier.

Nothing here imports Django at package level: the worker processes of a large draw import
`inspections.draws.dr1` alone (inspections.draws.draw_parallel).
"""
