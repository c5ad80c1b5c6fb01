import Leakage
