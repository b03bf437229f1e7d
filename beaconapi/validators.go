package beaconapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/beaconproof/beaconproof/beaconstate"
)

// maxIDsPerRequest bounds the validator ids of one request of
// Validators, which keeps its URL short.
const maxIDsPerRequest = 64

// validatorJSON is a validator as the validators endpoints serve it.
type validatorJSON struct {
	Index     quint  `json:"index"`
	Balance   quint  `json:"balance"`
	Status    string `json:"status"`
	Validator *struct {
		Pubkey                     hexBytes `json:"pubkey"`
		WithdrawalCredentials      hexBytes `json:"withdrawal_credentials"`
		EffectiveBalance           quint    `json:"effective_balance"`
		Slashed                    bool     `json:"slashed"`
		ActivationEligibilityEpoch quint    `json:"activation_eligibility_epoch"`
		ActivationEpoch            quint    `json:"activation_epoch"`
		ExitEpoch                  quint    `json:"exit_epoch"`
		WithdrawableEpoch          quint    `json:"withdrawable_epoch"`
	} `json:"validator"`
}

// info converts the JSON into a ValidatorInfo.
func (d *validatorJSON) info() (ValidatorInfo, error) {
	v := d.Validator
	if v == nil {
		return ValidatorInfo{}, errors.New("no validator")
	}
	info := ValidatorInfo{Index: uint64(d.Index), Balance: uint64(d.Balance), Status: d.Status}
	info.Validator = beaconstate.Validator{
		EffectiveBalance:           uint64(v.EffectiveBalance),
		Slashed:                    v.Slashed,
		ActivationEligibilityEpoch: uint64(v.ActivationEligibilityEpoch),
		ActivationEpoch:            uint64(v.ActivationEpoch),
		ExitEpoch:                  uint64(v.ExitEpoch),
		WithdrawableEpoch:          uint64(v.WithdrawableEpoch),
	}
	if err := v.Pubkey.fixed(info.Validator.Pubkey[:], "pubkey"); err != nil {
		return ValidatorInfo{}, err
	}
	if err := v.WithdrawalCredentials.fixed(info.Validator.WithdrawalCredentials[:], "withdrawal_credentials"); err != nil {
		return ValidatorInfo{}, err
	}
	return info, nil
}

// Validators fetches the validators of the state with that id whose
// index or 0x-prefixed pubkey is in ids, from
// /eth/v1/beacon/states/{id}/validators?id=..., without downloading the
// state: a few requests of up to 64 ids each. Ids the state does not have
// (a pubkey not yet deposited, an index past the registry) are left out
// of the answer, which is in the node's order.
func (c *Client) Validators(ctx context.Context, stateID string, ids []string) ([]ValidatorInfo, error) {
	if _, _, err := parseID(stateID); err != nil {
		return nil, err
	}
	var out []ValidatorInfo
	for len(ids) > 0 {
		n := min(len(ids), maxIDsPerRequest)
		part, err := c.validators(ctx, stateID, ids[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
		ids = ids[n:]
	}
	return out, nil
}

func (c *Client) validators(ctx context.Context, stateID string, ids []string) ([]ValidatorInfo, error) {
	cl := call{path: fmt.Sprintf("/eth/v1/beacon/states/%s/validators", stateID),
		// one id= per validator (the API's form, explode style): Lodestar
		// reads id=0%2C1 as one id and answers no validator
		query: url.Values{"id": ids},
		what:  fmt.Sprintf("%d validators of %s", len(ids), describe("state", stateID))}
	var body struct {
		Data *[]validatorJSON `json:"data"`
	}
	if err := c.getJSON(ctx, cl, &body); err != nil {
		if isStatus(err, 404) {
			return nil, newErr(fmt.Sprintf("%s: %v: the node does not keep that state (the node answered %v)",
				c.where(cl), ErrNotFound, httpErr(err)), ErrNotFound, httpErr(err))
		}
		return nil, c.httpFail(cl, err)
	}
	if body.Data == nil {
		return nil, c.badResponse(cl, errors.New("no data"))
	}
	if len(*body.Data) > len(ids) {
		return nil, c.badResponse(cl, fmt.Errorf("asked for %d validators, got %d", len(ids), len(*body.Data)))
	}
	out := make([]ValidatorInfo, 0, len(*body.Data))
	for i := range *body.Data {
		info, err := (*body.Data)[i].info()
		if err != nil {
			return nil, c.badResponse(cl, fmt.Errorf("data[%d]: %v", i, err))
		}
		out = append(out, info)
	}
	return out, nil
}
