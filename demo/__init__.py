"""The demo story (`manage.py seed_demo`): the yearly joint inspection of foreign work permits by
a city's Science and Technology, Public Security and HR bureaus, every date relative to the day
the demo is seeded (`demo.clock`): last year's task drawn, inspected, reviewed and published,
this year's drawn and under way today.

The top of the layers: each part seeds one layer through that layer's services, in the order of
DEMO_PARTS (demo/management/commands/seed_demo.py), and may import anything below; nothing
imports it but its command and the tests. A production installation never runs it.
"""
