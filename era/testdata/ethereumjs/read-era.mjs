// Reads era files with @ethereumjs/e2store, an implementation independent
// of beaconproof's, and prints what it reads as JSON, one object per file:
// the state's and the blocks' slot indices (starting slot, where the index
// record starts, each slot's offset as the library reads it) and, for the
// state and each block, the length and SHA-256 of the SSZ the library
// decompresses. era's TestEthereumJSReadsOurFiles compares it with what
// it wrote. Usage: node read-era.mjs FILE...
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { getEraIndexes, parseEntry, readEntry } from '@ethereumjs/e2store'

const hex = (b) => Buffer.from(b).toString('hex')
const sha256 = (b) => createHash('sha256').update(b).digest('hex')

// record reads the record at an absolute offset and decompresses it.
async function record(bytes, offset) {
  const entry = readEntry(bytes.subarray(offset))
  const parsed = await parseEntry(entry)
  return { type: hex(entry.type), length: parsed.data.length, sha256: sha256(parsed.data) }
}

function index(ix) {
  return ix && { startSlot: ix.startSlot, recordStart: ix.recordStart, slotOffsets: ix.slotOffsets }
}

const out = []
for (const name of process.argv.slice(2)) {
  const bytes = new Uint8Array(readFileSync(name))
  const { stateSlotIndex, blockSlotIndex } = getEraIndexes(bytes)
  const state = await record(bytes, stateSlotIndex.recordStart + stateSlotIndex.slotOffsets[0])
  const blocks = []
  if (blockSlotIndex) {
    for (const [i, off] of blockSlotIndex.slotOffsets.entries()) {
      if (off === 0) continue
      blocks.push({ slot: blockSlotIndex.startSlot + i, ...(await record(bytes, blockSlotIndex.recordStart + off)) })
    }
  }
  out.push({ file: name, stateIndex: index(stateSlotIndex), blockIndex: index(blockSlotIndex), state, blocks })
}
process.stdout.write(JSON.stringify(out) + '\n')
