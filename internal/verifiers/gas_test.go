package verifiers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cell is the gas of one call: execution, and what its transaction costs.
type cell struct{ exec, tx uint64 }

func (c cell) String() string { return thousands(c.exec) + " / " + thousands(c.tx) }

// gasCell is a production verifier's gas and, when the reference verifier
// has an entry point that checks the same proof, the reference's.
type gasCell struct {
	prod cell
	ref  *cell
}

// gasTable collects the gas of the production verifiers, and of the
// reference verifier on the same proofs, by protocol, row and fork.
type gasTable struct {
	mu   sync.Mutex
	rows map[string]map[string]map[string]gasCell // protocol -> row -> fork -> gas
	// compilers are the compiler versions, by protocol.
	compilers map[string]string
}

func (g *gasTable) record(protocol, row, forkName string, prod cell, ref *cell) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rows == nil {
		g.rows = map[string]map[string]map[string]gasCell{}
	}
	if g.rows[protocol] == nil {
		g.rows[protocol] = map[string]map[string]gasCell{}
	}
	if g.rows[protocol][row] == nil {
		g.rows[protocol][row] = map[string]gasCell{}
	}
	if _, ok := g.rows[protocol][row][forkName]; !ok {
		g.rows[protocol][row][forkName] = gasCell{prod, ref}
	}
}

func (g *gasTable) compiler(protocol, version string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.compilers == nil {
		g.compilers = map[string]string{}
	}
	g.compilers[protocol] = version
}

// gasProtocol is one protocol's table: its rows in order, with the
// reference verifier's entry point that checks the same proof.
type gasProtocol struct {
	name, title, settings string
	forks                 []string
	rows                  [][2]string // row, reference entry point ("" when none)
}

var gasProtocols = []gasProtocol{
	{"rocketpool", "Rocket Pool `BeaconStateVerifier`", "optimizer on, 15,000 runs (Rocket Pool's Hardhat setting), the compiler's default EVM (prague)",
		[]string{"electra", "fulu"}, [][2]string{
			{"verifySlot", "verifySlotProof"},
			{"verifyValidator", "verifyValidatorProof"},
			{"verifyWithdrawal (recent)", "verifyWithdrawalProof"},
			{"verifyWithdrawal (historical)", "verifyWithdrawalProof"},
		}},
	{"eigenlayer", "EigenLayer `BeaconChainProofs`, through `internal/verifiers/testdata/EigenHarness.sol`", "optimizer on, 200 runs, EVM prague (EigenLayer's settings but the compiler: it pins 0.8.27)",
		[]string{"deneb", "electra", "fulu"}, [][2]string{
			{"verifyStateRoot", "verifyLeaf"},
			{"verifyValidatorFields", ""},
			{"verifyBalanceContainer", "verifyLeaf"},
			{"verifyValidatorBalance", ""},
			{"verifyWithdrawalCredentials", ""},
			{"verifyStaleBalance", ""},
			{"verifyCheckpointProofs", ""},
		}},
	{"lido-csm", "Lido CSM `CSVerifier`, with `internal/verifiers/testdata/CSModuleStandIn.sol`", "optimizer on, 160 runs, EVM cancun, no metadata hash (Lido's settings)",
		[]string{"electra", "fulu"}, [][2]string{
			{"processWithdrawalProof", ""},
			{"processHistoricalWithdrawalProof", ""},
		}},
}

const gasSectionTitle = "## Production verifiers"

// gasMarkdown renders the section of eip4788/GAS.md this package writes.
func (g *gasTable) gasMarkdown() string {
	var b strings.Builder
	b.WriteString(gasSectionTitle + "\n\n")
	b.WriteString("Gas that the staking protocols' own verifier contracts spend on the CLI's output, in go-ethereum's EVM " +
		"with Osaka rules (`internal/verifiers`, `TestProductionVerifiers`; the contracts are read from `BEACONPROOF_CONTRACTS` " +
		"and compiled with solc-js). Each cell is `execution / transaction` as above. `reference` is this project's " +
		"`BeaconProofVerifier` checking the same proof (same witnesses, its gindex given) where it has an entry point for it.\n\n" +
		"The proofs are `beaconproof prove validator|withdrawal|balance --format rocketpool|eigenlayer|lido|calldata` of a " +
		"mainnet-preset state with 64 validators, 30,000 slots into each fork on mainnet: validator 7, withdrawal 0 of a " +
		"block 8,192 slots back (recent, through `block_roots`) and of one 8,193 slots back (historical, through " +
		"`historical_summaries`). EigenLayer's rows call the library through the harness, whose own cost is in the cells " +
		"(calldata decoding and, for `verifyStateRoot` and `verifyBalanceContainer`, which take the block's timestamp, the " +
		"read of the EIP-4788 root); `verifyWithdrawalCredentials` (the state root and 2 validators), `verifyStaleBalance` " +
		"(the state root and a slashed validator whose credentials were verified) and `verifyCheckpointProofs` (the balances " +
		"container and 2 balances) are EigenPod's entry points with the calldata the CLI prints, the pod's bookkeeping left " +
		"out. Lido's rows are the calldata the CLI prints for `prove withdrawal --format calldata --protocol lido` (the " +
		"same documents `fixtures --format lido` writes), including the stand-in module's calls: a full withdrawal paid by " +
		"the anchor block, FILE its post-state (`processWithdrawalProof`), and one paid three eras and 77 slots back, " +
		"through `historical_summaries` (`processHistoricalWithdrawalProof`). The pinned `CSVerifier` has no " +
		"`processSlashingProof`, so no row has it (`TestLidoHasNoSlashingProof` fails when a contract update adds it). " +
		"Regenerate with `BEACONPROOF_UPDATE_GAS=1 go test -run TestProductionVerifiers ./internal/verifiers/`; the test " +
		"fails when this section is stale.\n")
	for _, p := range gasProtocols {
		fmt.Fprintf(&b, "\n### %s\n\nsolc-js %s, %s.\n\n| function | %s | reference | %s |\n| --- |%s --- |%s\n",
			p.title, g.compilers[p.name], p.settings, strings.Join(p.forks, " | "), strings.Join(p.forks, " | "),
			strings.Repeat(" ---: |", len(p.forks)), strings.Repeat(" ---: |", len(p.forks)))
		for _, row := range p.rows {
			fmt.Fprintf(&b, "| `%s` |", row[0])
			cells := g.rows[p.name][row[0]]
			for _, f := range p.forks {
				fmt.Fprintf(&b, " %s |", cells[f].prod)
			}
			if row[1] == "" {
				b.WriteString(" – |" + strings.Repeat(" – |", len(p.forks)) + "\n")
				continue
			}
			fmt.Fprintf(&b, " `%s` |", row[1])
			for _, f := range p.forks {
				if c := cells[f].ref; c != nil {
					fmt.Fprintf(&b, " %s |", *c)
				} else {
					b.WriteString(" – |")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// complete reports whether every row of every fork was recorded.
func (g *gasTable) complete() bool {
	for _, p := range gasProtocols {
		for _, row := range p.rows {
			for _, f := range p.forks {
				if _, ok := g.rows[p.name][row[0]][f]; !ok {
					return false
				}
			}
		}
	}
	return true
}

// check compares the section with eip4788/GAS.md, or with
// BEACONPROOF_UPDATE_GAS=1 rewrites it there (the reference verifier's
// table above it is eip4788's).
func (g *gasTable) check(t *testing.T) {
	if !g.complete() {
		t.Logf("gas table not checked: only some verifiers or forks ran")
		return
	}
	md := g.gasMarkdown()
	t.Logf("gas table:\n%s", md)
	file := filepath.Join(ModuleRoot(), "eip4788", "GAS.md")
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	head, section, found := strings.Cut(string(old), "\n"+gasSectionTitle+"\n")
	if found {
		section = gasSectionTitle + "\n" + section
	}
	if os.Getenv("BEACONPROOF_UPDATE_GAS") == "1" {
		if err := os.WriteFile(file, []byte(strings.TrimRight(head, "\n")+"\n\n"+md), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if section != md {
		t.Errorf("eip4788/GAS.md's %q section is stale; regenerate with BEACONPROOF_UPDATE_GAS=1 go test -run TestProductionVerifiers ./internal/verifiers/", gasSectionTitle)
	}
}

func thousands(v uint64) string {
	s := fmt.Sprint(v)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
