// Signing roots of typed Eth2 signing requests, computed the way the consensus specs (and Web3Signer) do:
// hash_tree_root(SigningData{object_root, domain}) with domain = domain_type ++ fork_data_root[:28].
import crypto from 'node:crypto';

const SLOTS_PER_EPOCH = 32n;
const DOMAIN = {
  RANDAO: '02000000',
  DEPOSIT: '03000000',
  VOLUNTARY_EXIT: '04000000',
  SELECTION_PROOF: '05000000',
  SYNC_COMMITTEE: '07000000',
  SYNC_COMMITTEE_SELECTION_PROOF: '08000000',
};

export class SigningRequestError extends Error {}

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();

function bytes(text, size, what) {
  if (typeof text !== 'string' || !new RegExp(`^0x[0-9a-fA-F]{${size * 2}}$`).test(text)) {
    throw new SigningRequestError(`${what} must be 0x followed by ${size * 2} hex digits`);
  }
  return Buffer.from(text.slice(2), 'hex');
}

function uint64(text, what) {
  if (typeof text !== 'string' || !/^[0-9]{1,20}$/.test(text) || BigInt(text) >= 1n << 64n) {
    throw new SigningRequestError(`${what} must be a uint64 in a decimal string`);
  }
  return BigInt(text);
}

const chunk = (buffer) => Buffer.concat([buffer, Buffer.alloc(32 - buffer.length)]);
const uint64Root = (value) => {
  const out = Buffer.alloc(32);
  out.writeBigUInt64LE(value);
  return out;
};

// Merkleises up to four 32-byte chunks, padding with zero chunks to the next power of two.
function merkleize(chunks) {
  let layer = [...chunks];
  while (layer.length & (layer.length - 1)) layer.push(Buffer.alloc(32));
  while (layer.length > 1) {
    const next = [];
    for (let i = 0; i < layer.length; i += 2) next.push(sha256(layer[i], layer[i + 1]));
    layer = next;
  }
  return layer[0];
}

function domain(domainType, forkVersion, genesisValidatorsRoot) {
  const forkDataRoot = sha256(chunk(forkVersion), genesisValidatorsRoot);
  return Buffer.concat([Buffer.from(domainType, 'hex'), forkDataRoot.subarray(0, 28)]);
}

function forkDomain(request, domainType, epoch) {
  const info = request.fork_info;
  if (!info || !info.fork) throw new SigningRequestError('fork_info with fork and genesis_validators_root is required');
  const forkEpoch = uint64(info.fork.epoch, 'fork_info.fork.epoch');
  const version = epoch < forkEpoch
    ? bytes(info.fork.previous_version, 4, 'fork_info.fork.previous_version')
    : bytes(info.fork.current_version, 4, 'fork_info.fork.current_version');
  return domain(domainType, version, bytes(info.genesis_validators_root, 32, 'fork_info.genesis_validators_root'));
}

const object = (request, field) => {
  const value = request[field];
  if (!value || typeof value !== 'object') throw new SigningRequestError(`${field} is required for type ${request.type}`);
  return value;
};

// Each supported type: the object root and the domain.
const TYPES = {
  RANDAO_REVEAL(request) {
    const epoch = uint64(object(request, 'randao_reveal').epoch, 'randao_reveal.epoch');
    return [uint64Root(epoch), forkDomain(request, DOMAIN.RANDAO, epoch)];
  },
  VOLUNTARY_EXIT(request) {
    const exit = object(request, 'voluntary_exit');
    const epoch = uint64(exit.epoch, 'voluntary_exit.epoch');
    const root = merkleize([uint64Root(epoch), uint64Root(uint64(exit.validator_index, 'voluntary_exit.validator_index'))]);
    return [root, forkDomain(request, DOMAIN.VOLUNTARY_EXIT, epoch)];
  },
  AGGREGATION_SLOT(request) {
    const slot = uint64(object(request, 'aggregation_slot').slot, 'aggregation_slot.slot');
    return [uint64Root(slot), forkDomain(request, DOMAIN.SELECTION_PROOF, slot / SLOTS_PER_EPOCH)];
  },
  SYNC_COMMITTEE_MESSAGE(request) {
    const message = object(request, 'sync_committee_message');
    const slot = uint64(message.slot, 'sync_committee_message.slot');
    const root = bytes(message.beacon_block_root, 32, 'sync_committee_message.beacon_block_root');
    return [root, forkDomain(request, DOMAIN.SYNC_COMMITTEE, slot / SLOTS_PER_EPOCH)];
  },
  SYNC_COMMITTEE_SELECTION_PROOF(request) {
    const data = object(request, 'sync_aggregator_selection_data');
    const slot = uint64(data.slot, 'sync_aggregator_selection_data.slot');
    const index = uint64(data.subcommittee_index, 'sync_aggregator_selection_data.subcommittee_index');
    return [merkleize([uint64Root(slot), uint64Root(index)]),
      forkDomain(request, DOMAIN.SYNC_COMMITTEE_SELECTION_PROOF, slot / SLOTS_PER_EPOCH)];
  },
  DEPOSIT(request) {
    const deposit = object(request, 'deposit');
    const pubkey = bytes(deposit.pubkey, 48, 'deposit.pubkey');
    const pubkeyRoot = merkleize([pubkey.subarray(0, 32), chunk(pubkey.subarray(32))]);
    const root = merkleize([pubkeyRoot, bytes(deposit.withdrawal_credentials, 32, 'deposit.withdrawal_credentials'),
      uint64Root(uint64(deposit.amount, 'deposit.amount'))]);
    // Deposits are valid across forks: the domain uses the genesis fork version and a zero root.
    return [root, domain(DOMAIN.DEPOSIT, bytes(deposit.genesis_fork_version, 4, 'deposit.genesis_fork_version'), Buffer.alloc(32))];
  },
};

export const COMPUTED_TYPES = Object.keys(TYPES);

// The signing root of a typed request as 32 bytes. For a supported type it is computed from the request
// and must equal `signingRoot` when that is given; for any other type `signingRoot` is required and used.
export function signingRoot(request) {
  if (!request || typeof request !== 'object' || typeof request.type !== 'string') {
    throw new SigningRequestError('the request must be a JSON object with a string field "type"');
  }
  const given = request.signingRoot === undefined ? undefined : bytes(request.signingRoot, 32, 'signingRoot');
  const compute = TYPES[request.type];
  if (!compute) {
    if (!given) throw new SigningRequestError(`type ${request.type} needs a signingRoot in this stand-in`);
    return given;
  }
  const [objectRoot, signingDomain] = compute(request);
  const root = sha256(objectRoot, signingDomain);
  if (given && !given.equals(root)) {
    throw new SigningRequestError('signingRoot does not match the signing root computed from the request');
  }
  return root;
}
