"""The dashat service: DASHAT community kitchens, menus, production and distribution."""
