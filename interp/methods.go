package interp

import (
	"fmt"

	"snnc/ir"
)

// updateRoots adds to g (a clone of unit u's graph) the value of every state
// after one step of length dt, computed from the values at the start of the
// step (all states together), and returns one root per state:
//
//	exponential Euler, tv-LIF:  x + … = drive + (x − drive)·exp(−dt/tau)
//	exponential Euler, integrator: x + rate·dt
//	euler:  x + dt·f(x, t)
//	rk4:    k1 = dt·f(x, t), k2 = dt·f(x + k1/2, t + dt/2),
//	        k3 = dt·f(x + k2/2, t + dt/2), k4 = dt·f(x + k3, t + dt),
//	        x + (k1 + 2·k2 + 2·k3 + k4)/6          (Brian2's rk4)
//
// with f = (drive − x)/tau, rate or deriv by the state's kind. Inputs are
// held at their value for the step in every stage.
func updateRoots(u *ir.Unit, g *ir.Graph, dt float64) ([]ir.NodeID, error) {
	var roots []ir.NodeID
	f := make([]ir.NodeID, len(u.States))
	for i, s := range u.States {
		var err error
		if f[i], err = derivative(g, s); err != nil {
			return nil, fmt.Errorf("unit %s: %w", u.Name, err)
		}
	}
	switch u.Method {
	case ir.ExpEuler:
		for _, s := range u.States {
			x := g.Ref(ir.OpState, s.Name)
			switch s.Kind {
			case ir.TVLIF:
				decay := g.Exp(g.Div(g.Const(-dt), s.Tau))
				roots = append(roots, g.Add(s.Drive, g.Mul(g.Sub(x, s.Drive), decay)))
			case ir.Integrator:
				roots = append(roots, g.Add(x, g.Mul(s.Rate, g.Const(dt))))
			default:
				return nil, fmt.Errorf("unit %s: state %s has general dynamics; exponential Euler needs tv-LIF or integrator form (use method euler or rk4)", u.Name, s.Name)
			}
		}
	case ir.Euler:
		for i, s := range u.States {
			roots = append(roots, g.Add(g.Ref(ir.OpState, s.Name), g.Mul(g.Const(dt), f[i])))
		}
	case ir.RK4:
		names := make([]string, len(u.States))
		for i, s := range u.States {
			names[i] = s.Name
		}
		roots = g.RK4(names, f, dt)
	default:
		return nil, fmt.Errorf("unit %s: unknown method %v", u.Name, u.Method)
	}
	return roots, nil
}

// derivative returns x' for state s.
func derivative(g *ir.Graph, s *ir.State) (ir.NodeID, error) {
	missing := func(what string) error {
		return fmt.Errorf("state %s (%v) has no %s expression", s.Name, s.Kind, what)
	}
	switch s.Kind {
	case ir.TVLIF:
		if s.Tau == ir.NoNode || s.Drive == ir.NoNode {
			return 0, missing("tau/drive")
		}
		return g.Div(g.Sub(s.Drive, g.Ref(ir.OpState, s.Name)), s.Tau), nil
	case ir.Integrator:
		if s.Rate == ir.NoNode {
			return 0, missing("rate")
		}
		return s.Rate, nil
	case ir.General:
		if s.Deriv == ir.NoNode {
			return 0, missing("deriv")
		}
		return s.Deriv, nil
	}
	return 0, fmt.Errorf("state %s: unknown kind %v", s.Name, s.Kind)
}
