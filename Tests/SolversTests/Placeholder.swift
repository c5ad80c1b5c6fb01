import Solvers
