package loihi

import "snnc/internal/fixed"

// Compile maps a quantised network onto the chip and lowers it to a core
// image: relays for delays over the chip's maximum (RelayNet), the exact
// model (ModelFor), placement (Map), the image (BuildImage).
func Compile(net *fixed.Net, cfg ChipConfig, opt MapOptions) (*Image, error) {
	mp, net, err := MapNet(net, cfg, opt)
	if err != nil {
		return nil, err
	}
	return BuildImage(mp, net)
}

// MapNet inserts relays where delays need them and maps the network; it
// returns the mapping and the network actually mapped (with its relays).
func MapNet(net *fixed.Net, cfg ChipConfig, opt MapOptions) (*Mapping, *fixed.Net, error) {
	rn, _, err := RelayNet(net, cfg.Limits.MaxDelay)
	if err != nil {
		return nil, nil, err
	}
	md, err := ModelFor(rn, cfg.Limits)
	if err != nil {
		return nil, nil, err
	}
	mp, err := Map(md, cfg, opt)
	if err != nil {
		return nil, nil, err
	}
	return mp, rn, nil
}
