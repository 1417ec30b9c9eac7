/**
 * What a binary is, read from its headers (no `file` command): ELF (e_machine, and the C library its
 * DT_NEEDED entries name), Mach-O (cputype; every slice of a fat binary; the dylibs it loads), PE (the COFF
 * machine field; the DLLs it imports, delay-loaded ones apart), WebAssembly. Anything else: undefined.
 */

export type Arch = 'x64' | 'arm64' | 'ia32' | 'arm' | `unknown(${string})`;

export type BinaryInfo =
  | { format: 'elf'; arch: Arch; libc: 'glibc' | 'musl' | 'none'; needed: string[] }
  | { format: 'mach-o'; arch: Arch[]; dylibs: string[] }
  | { format: 'pe'; arch: Arch; imports: string[]; delayImports: string[] }
  | { format: 'wasm' };

const ELF_MACHINE: Record<number, Arch> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' };
const MACHO_CPU: Record<number, Arch> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };
const PE_MACHINE: Record<number, Arch> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32', 0x1c4: 'arm' };
const hex = (n: number) => `0x${n.toString(16)}`;

function cstr(b: Buffer, at: number): string {
  const end = b.indexOf(0, at);
  return b.toString('latin1', at, end < 0 ? b.length : end);
}

export function identify(b: Buffer): BinaryInfo | undefined {
  if (b.length >= 64 && b.readUInt32BE(0) === 0x7f454c46) return elf(b);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x0061736d) return { format: 'wasm' };
  if (b.length >= 32 && [0xfeedfacf, 0xfeedface].includes(b.readUInt32LE(0))) {
    const t = macho(b, 0);
    return { format: 'mach-o', arch: [t.arch], dylibs: t.dylibs };
  }
  // fat (universal) Mach-O: big-endian header, then one entry per slice (Java class files share 0xcafebabe,
  // but have a version >= 45 where a fat header has a small slice count)
  if (b.length >= 8 && [0xcafebabe, 0xcafebabf].includes(b.readUInt32BE(0)) && b.readUInt32BE(4) < 20) {
    const is64 = b.readUInt32BE(0) === 0xcafebabf;
    const arch: Arch[] = [];
    const dylibs = new Set<string>();
    for (let i = 0; i < b.readUInt32BE(4); i++) {
      const e = 8 + i * (is64 ? 32 : 20);
      const off = is64 ? Number(b.readBigUInt64BE(e + 8)) : b.readUInt32BE(e + 8);
      const t = macho(b, off);
      arch.push(t.arch);
      for (const d of t.dylibs) dylibs.add(d);
    }
    return { format: 'mach-o', arch, dylibs: [...dylibs] };
  }
  if (b.length >= 64 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 24 <= b.length && b.readUInt32BE(pe) === 0x50450000) return peInfo(b, pe);
  }
  return undefined;
}

function elf(b: Buffer): BinaryInfo {
  if (b[4] !== 2 || b[5] !== 1) throw new Error('only 64-bit little-endian ELF files are expected');
  const machine = b.readUInt16LE(18);
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  let dyn: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const type = b.readUInt32LE(p);
    const offset = Number(b.readBigUInt64LE(p + 8));
    const vaddr = Number(b.readBigUInt64LE(p + 16));
    const filesz = Number(b.readBigUInt64LE(p + 32));
    if (type === 1) loads.push({ vaddr, offset, filesz });
    if (type === 2) dyn = { offset, size: filesz };
  }
  const toOffset = (va: number) => {
    const l = loads.find((s) => va >= s.vaddr && va < s.vaddr + s.filesz);
    if (!l) throw new Error(`ELF address ${hex(va)} is in no loaded segment`);
    return l.offset + (va - l.vaddr);
  };
  const neededAt: number[] = [];
  let strtab = 0;
  for (let p = dyn?.offset ?? 0; dyn && p < dyn.offset + dyn.size; p += 16) {
    const tag = Number(b.readBigInt64LE(p));
    if (tag === 0) break;
    if (tag === 1) neededAt.push(Number(b.readBigUInt64LE(p + 8)));
    if (tag === 5) strtab = toOffset(Number(b.readBigUInt64LE(p + 8)));
  }
  const needed = neededAt.map((n) => cstr(b, strtab + n));
  const libc = needed.includes('libc.so.6')
    ? 'glibc'
    : needed.some((n) => n === 'libc.so' || n.startsWith('libc.musl-') || n.startsWith('ld-musl-'))
      ? 'musl'
      : 'none';
  return { format: 'elf', arch: ELF_MACHINE[machine] ?? `unknown(${hex(machine)})`, libc, needed };
}

function macho(b: Buffer, at: number): { arch: Arch; dylibs: string[] } {
  const magic = b.readUInt32LE(at);
  if (magic !== 0xfeedfacf && magic !== 0xfeedface) throw new Error(`no Mach-O header at ${at}`);
  const cpu = b.readUInt32LE(at + 4);
  const ncmds = b.readUInt32LE(at + 16);
  let p = at + (magic === 0xfeedfacf ? 32 : 28);
  const dylibs: string[] = [];
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(p);
    // LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LOAD_UPWARD_DYLIB
    if ([0xc, 0x80000018, 0x8000001f, 0x80000023].includes(cmd)) dylibs.push(cstr(b, p + b.readUInt32LE(p + 8)));
    p += b.readUInt32LE(p + 4);
  }
  return { arch: MACHO_CPU[cpu] ?? `unknown(${hex(cpu)})`, dylibs };
}

function peInfo(b: Buffer, pe: number): BinaryInfo {
  const machine = b.readUInt16LE(pe + 4);
  const nsect = b.readUInt16LE(pe + 6);
  const optSize = b.readUInt16LE(pe + 20);
  const opt = pe + 24;
  const plus = b.readUInt16LE(opt) === 0x20b; // PE32+
  const dirs = opt + (plus ? 112 : 96);
  const sections: { va: number; vsize: number; raw: number }[] = [];
  for (let i = 0; i < nsect; i++) {
    const s = opt + optSize + i * 40;
    sections.push({ vsize: b.readUInt32LE(s + 8), va: b.readUInt32LE(s + 12), raw: b.readUInt32LE(s + 20) });
  }
  const toOffset = (rva: number) => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + x.vsize);
    if (!s) throw new Error(`PE address ${hex(rva)} is in no section`);
    return s.raw + (rva - s.va);
  };
  const names = (dir: number, size: number, nameAt: number) => {
    const rva = b.readUInt32LE(dirs + dir * 8);
    const out: string[] = [];
    for (let p = rva ? toOffset(rva) : -1; rva && b.readUInt32LE(p + nameAt) !== 0; p += size) {
      out.push(cstr(b, toOffset(b.readUInt32LE(p + nameAt))));
    }
    return out;
  };
  return {
    format: 'pe',
    arch: PE_MACHINE[machine] ?? `unknown(${hex(machine)})`,
    imports: names(1, 20, 12), // IMAGE_IMPORT_DESCRIPTOR.Name
    delayImports: names(13, 32, 4), // delay-load descriptor's DllNameRVA
  };
}
