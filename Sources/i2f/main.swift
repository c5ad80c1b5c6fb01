import Explorer
print("i2f")
