import asyncio
def f(:
  pass
