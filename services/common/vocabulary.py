"""The programme's shared codes, the same in every service."""

# the three kinds of action the programme funds
CATEGORIES = ("proximity", "active_citizenship", "cross_cutting")
# what a service, an event or a family's need is about
DIMENSIONS = ("educational", "social", "health", "sport", "culture", "material_support",
              "orientation")
