import Autodiff
import Solvers
