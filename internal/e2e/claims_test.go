package e2e

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/testchain"
	"github.com/beaconproof/beaconproof/staking"
)

// This file runs the claims that beaconstate's StateProver emits (the
// staking proof kinds, with both anchors) through the verifier in the EVM,
// as they come out of the library: the claim's JSON is decoded, its value
// turned into the verifier's arguments, and the anchor's block root stored
// by the EIP-4788 system call.

// claimValue is a claim's decoded value: beacon-API JSON, integers as
// decimal strings.
type claimValue map[string]json.RawMessage

func (v claimValue) str(key string) (string, error) {
	raw, ok := v[key]
	if !ok {
		return "", fmt.Errorf("value has no %q", key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		if b {
			return "1", nil
		}
		return "0", nil
	}
	return "", fmt.Errorf("value %q is %s", key, raw)
}

func (v claimValue) u64(key string) (uint64, error) {
	s, err := v.str(key)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(s, 10, 64)
}

func (v claimValue) hexBytes(key string, n int) ([]byte, error) {
	s, err := v.str(key)
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err == nil && len(b) != n {
		err = fmt.Errorf("value %q has %d bytes, want %d", key, len(b), n)
	}
	return b, err
}

// encode appends the SSZ encodings of the value's fields, in order.
func (v claimValue) encode(fields ...string) ([]byte, error) {
	var out []byte
	for _, f := range fields {
		switch f {
		case "pubkey":
			b, err := v.hexBytes(f, 48)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		case "withdrawal_credentials":
			b, err := v.hexBytes(f, 32)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		case "address":
			b, err := v.hexBytes(f, 20)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		case "slashed":
			u, err := v.u64(f)
			if err != nil {
				return nil, err
			}
			out = append(out, byte(u))
		default:
			u, err := v.u64(f)
			if err != nil {
				return nil, err
			}
			out = binary.LittleEndian.AppendUint64(out, u)
		}
	}
	return out, nil
}

var (
	validatorFields  = []string{"pubkey", "withdrawal_credentials", "effective_balance", "slashed", "activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"}
	withdrawalFields = []string{"index", "validator_index", "address", "amount"}
)

// valueOfClaim reads a claim's value from its JSON, as a document has it,
// independently of the value types.
func valueOfClaim(c staking.Claim) (claimValue, error) {
	raw, err := json.Marshal(c.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: value: %w", c.Kind, err)
	}
	var v claimValue
	if len(raw) > 0 && raw[0] != '{' {
		// A scalar member (state.slot): name it after its field.
		return claimValue{c.Path[strings.LastIndexByte(c.Path, '.')+1:]: raw}, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("%s: value: %w", c.Kind, err)
	}
	return v, nil
}

// validatorFieldKind is the verifier entry point of a validator field.
func validatorFieldKind(field string) string {
	switch field {
	case "pubkey":
		return kindPubkey
	case "withdrawal_credentials":
		return kindWithdrawalCreds
	case "slashed":
		return kindSlashed
	}
	return kindEffectiveBalance // any uint64 field: verifyUint64
}

// callOfClaim turns a claim into verifier calls: its generic entry point
// and, for a block-anchored slot, validator or withdrawal, the Rocket
// Pool-format one. stateProof is the state root's proof in the block, for
// state-anchored claims.
func callOfClaim(c staking.Claim, timestamp uint64, stateProof [][32]byte) ([]call, error) {
	v, err := valueOfClaim(c)
	if err != nil {
		return nil, err
	}
	base := call{timestamp: timestamp, branch: c.Proof.Branch, gindex: c.Proof.Gindex.Big().Bytes(), leaf: c.Proof.Leaf}
	if c.Anchor.Kind == staking.AnchorState {
		base.stateProof = stateProof
	}
	block := c.Anchor.Kind == staking.AnchorBlock
	var out []call
	add := func(kind string, value []byte) {
		cc := base
		cc.kind, cc.value = kind, value
		out = append(out, cc)
	}
	switch c.Kind {
	case staking.KindSlot:
		var b []byte
		if b, err = v.encode("slot"); err == nil {
			add(kindSlot, b)
			if block {
				add(kindRPSlot, b)
			}
		}
	case staking.KindValidator:
		var b []byte
		if b, err = v.encode(validatorFields...); err == nil {
			add(kindValidator, b)
			if block {
				add(kindRPValidator, b)
				out[len(out)-1].index, err = v.u64("validator_index")
			}
		}
	case staking.KindValidatorField:
		field := ""
		for k := range v {
			if k != "validator_index" {
				field = k
			}
		}
		var b []byte
		if b, err = v.encode(field); err == nil {
			add(validatorFieldKind(field), b)
		}
	case staking.KindBalance:
		var b []byte
		if b, err = v.encode("balance"); err == nil {
			add(kindBalance, b)
			out[0].index, err = v.u64("validator_index")
		}
	case staking.KindStateRoot:
		var b []byte
		if b, err = v.hexBytes("state_root", 32); err == nil {
			add(kindWithdrawalCreds, b) // a 32-byte leaf: verifyLeaf
		}
	case staking.KindWithdrawal, staking.KindHistoricalWithdrawal,
		staking.KindExpectedWithdrawal, staking.KindHistoricalExpectedWithdrawal:
		var b []byte
		if b, err = v.encode(withdrawalFields...); err == nil {
			add(kindWithdrawal, b)
			if block {
				add(kindRPWithdrawal, b)
				rp := &out[len(out)-1]
				if rp.wslot, err = v.u64("withdrawal_slot"); err == nil {
					rp.wnum, err = v.u64("withdrawal_num")
				}
			}
		}
	default:
		return nil, fmt.Errorf("claim kind %q has no verifier entry point", c.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Kind, err)
	}
	return out, nil
}

// TestVerifierEVMClaims proves, for each fork from deneb to gloas, every
// staking kind of staking.StateProver with both anchors on a
// consistent synthetic chain, and checks each claim on chain: it passes,
// and changing any byte of it makes the verifier revert.
func TestVerifierEVMClaims(t *testing.T) {
	for i, fn := range forkNetworks {
		t.Run(fn.fork, func(t *testing.T) {
			t.Parallel()
			net := testchain.MustNetwork(t, fn.network)
			ver, _ := net.Fork(fn.fork)
			slot := ver.Epoch*net.SlotsPerEpoch + 30_000 + uint64(i)
			offset, err := net.HistoricalSummariesOffset()
			if err != nil {
				t.Fatal(err)
			}
			recent, historical := slot-8191, slot-8193
			ch, err := synth.NewChain(synth.ChainOptions{
				Fork:            fn.fork,
				Options:         synth.Options{Validators: fixtureValidators, Slot: slot, Seed: uint64(i + 10), ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime},
				SummariesOffset: offset,
				Past:            []uint64{recent, historical},
				Withdrawals:     withdrawalsFor(uint64(i), slot),
			})
			if err != nil {
				t.Fatal(err)
			}
			state, err := beaconstate.NewObject(fn.fork, "mainnet", "BeaconState", ch.State)
			if err != nil {
				t.Fatal(err)
			}
			p, err := beaconstate.NewProver(state)
			if err != nil {
				t.Fatal(err)
			}
			// The block at slot is stored by its child at slot+1.
			c := testchain.NewChain(slot + 3)
			c.Roots[slot] = ch.BlockRoot
			anchor, err := eip4788.AnchorOf(t.Context(), net, c, slot)
			if err != nil {
				t.Fatal(err)
			}
			e := newEVM(t)
			e.store(anchor.Timestamp, anchor.Root)
			now := anchor.Timestamp + 12

			blockProver, err := staking.NewStateProver(p, staking.AnchorBlock)
			if err != nil {
				t.Fatal(err)
			}
			if blockProver.Anchor().Root != ch.BlockRoot {
				t.Fatalf("block anchor %x, chain's block root %x", blockProver.Anchor().Root, ch.BlockRoot)
			}
			link, err := blockProver.StateRootProof()
			if err != nil {
				t.Fatal(err)
			}
			seen := map[staking.Kind]bool{}
			for _, ak := range []staking.AnchorKind{staking.AnchorBlock, staking.AnchorState} {
				sp := blockProver
				if ak == staking.AnchorState {
					if sp, err = staking.NewStateProver(p, ak); err != nil {
						t.Fatal(err)
					}
				}
				claims := stakingClaims(t, sp, ch, fn.fork, net)
				if ak == staking.AnchorBlock {
					claims = append(claims, link)
				}
				for _, cl := range claims {
					// Through JSON, as the CLI hands claims over.
					b, err := json.Marshal(cl)
					if err != nil {
						t.Fatal(err)
					}
					var back staking.Claim
					if err := json.Unmarshal(b, &back); err != nil {
						t.Fatal(err)
					}
					calls, err := callOfClaim(back, anchor.Timestamp, link.Proof.Branch)
					if err != nil {
						t.Fatal(err)
					}
					for _, cc := range calls {
						name := fmt.Sprintf("%s %s/%s/%s", back.Kind, back.Path, ak, cc.kind)
						seen[back.Kind] = true
						t.Run(name, func(t *testing.T) { checkOnChain(t, e, cc, now, anchor.Root) })
					}
				}
			}
			for _, k := range []staking.Kind{staking.KindSlot, staking.KindValidator, staking.KindValidatorField, staking.KindBalance, staking.KindStateRoot} {
				if !seen[k] {
					t.Errorf("no %s claim ran", k)
				}
			}
		})
	}
}

// stakingClaims returns one claim of each staking kind from sp.
func stakingClaims(t *testing.T, sp *staking.StateProver, ch *synth.Chain, forkName string, net *fork.Network) []staking.Claim {
	t.Helper()
	var out []staking.Claim
	must := func(c staking.Claim, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	must(sp.SlotProof())
	must(sp.Validator(validatorIndex))
	for _, f := range validatorFields {
		must(sp.ValidatorField(validatorIndex, f))
	}
	must(sp.Balance(validatorIndex))
	must(sp.Balance(5))
	f, _ := fork.Lookup(forkName)
	for ws, ps := range ch.Past {
		if f.Descends(fork.Gloas) {
			ws, err := beaconstate.NewObject(forkName, "mainnet", "BeaconState", ps.State)
			if err != nil {
				t.Fatal(err)
			}
			src := staking.GloasWithdrawalSource{WithdrawalState: ws, Network: net}
			if ps.Historical {
				src.EraStateRoots = ps.EraStateRoots
			}
			must(sp.GloasWithdrawal(src, withdrawalNum))
			continue
		}
		block, err := beaconstate.NewObject(forkName, "mainnet", "BeaconBlock", ps.Block)
		if err != nil {
			t.Fatal(err)
		}
		src := staking.WithdrawalSource{Block: block, Network: net}
		if ps.Historical {
			src.EraBlockRoots = ps.EraBlockRoots
		}
		_ = ws
		must(sp.Withdrawal(src, withdrawalNum))
	}
	return out
}

// checkOnChain runs a valid call and every one-byte change of it.
func checkOnChain(t *testing.T, e *evm, c call, now uint64, root [32]byte) {
	t.Helper()
	input, err := c.pack(e.abi)
	if err != nil {
		t.Fatal(err)
	}
	ret, _, err := e.call(input, now)
	if err != nil {
		t.Fatalf("valid proof: %v: %s", err, e.describeRevert(ret))
	}
	ms := mutations(c)
	if testing.Short() || raceEnabled {
		ms = sample(ms, 60)
	}
	ambiguous := 0
	for _, m := range ms {
		mc := c.clone()
		m.f(&mc)
		expectOutcome(t, e, m, mc, now, root, &ambiguous)
	}
	if ambiguous > 0 {
		t.Logf("%d gindex changes still prove the leaf (equal siblings)", ambiguous)
	}
}
