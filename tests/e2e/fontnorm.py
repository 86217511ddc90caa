#!/usr/bin/env python3
"""fontnorm.py --tags QDF: the tables of each TrueType program in QDF, a line each.
fontnorm.py < LIST: for each line "IN.qdf OUT" of LIST, OUT is the QDF file
IN (qpdf --qdf, streams uncompressed) up to its cross-reference table, with
each embedded TrueType program (a stream with /Length1) rebuilt the way
noticegen's faster internals write it: no cmap table, and the metrics (hmtx)
of every glyph without an outline set to 0; its lengths set to match.

Plain libharu embeds the cmap and all metrics; the faster internals leave
them out (src/haru_fast.c, build_prog). Normalizing both files this way lets
shard.sh compare everything else byte for byte. Glyphs without an outline
(a space) keep their metrics in the faster internals' program when used, so
both are normalized here, not only the plain one.
"""
import re
import struct
import sys


def rebuild(font):
    """The program with cmap left out and outline-less glyphs' metrics zeroed."""
    ntables = struct.unpack('>H', font[4:6])[0]
    tables = {}
    order = []
    for i in range(ntables):
        tag, _, off, length = struct.unpack('>4sIII', font[12 + 16 * i:28 + 16 * i])
        tables[tag] = bytearray(font[off:off + length])
        order.append(tag)
    order = [t for t in order if t != b'cmap']
    head, hhea, loca, hmtx = tables[b'head'], tables[b'hhea'], tables[b'loca'], tables[b'hmtx']
    short = struct.unpack('>h', head[50:52])[0] == 0
    step = 2 if short else 4
    n = len(loca) // step - 1
    at = [int.from_bytes(loca[step * g:step * g + step], 'big') for g in range(n + 1)]
    hm = struct.unpack('>H', hhea[34:36])[0]
    for g in range(1, n):
        if at[g] == at[g + 1]:
            pos, width = (4 * g, 4) if g < hm else (4 * hm + 2 * (g - hm), 2)
            if pos + width <= len(hmtx):
                hmtx[pos:pos + width] = bytes(width)
    head[8:12] = bytes(4)
    body = b''.join(bytes(tables[t]) for t in order)
    directory = bytearray(font[:4] + struct.pack('>HHHH', len(order), 128, 3, len(order) * 16 - 128))
    off = 12 + 16 * len(order)
    for t in order:
        data = bytes(tables[t])
        padded = data + bytes(-len(data) % 4)
        total = sum(struct.unpack('>%dI' % (len(padded) // 4), padded)) & 0xFFFFFFFF
        directory += t + struct.pack('>III', total, off, len(data))
        off += len(data)
    # checkSumAdjustment as libharu sums it: the tables only, whole words only.
    words = body[:len(body) // 4 * 4]
    total = sum(struct.unpack('>%dI' % (len(words) // 4), words)) & 0xFFFFFFFF
    body = bytearray(body)
    head_at = sum(len(tables[t]) for t in order[:order.index(b'head')])
    body[head_at + 8:head_at + 12] = struct.pack('>I', (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(directory) + bytes(body)


def programs(pdf):
    """(match, start, length) of each TrueType program in the QDF text pdf."""
    lengths = {m.group(1): (m.start(2), m.end(2), int(m.group(2)))
               for m in re.finditer(rb'\n(\d+) 0 obj\n(\d+)\nendobj', pdf)}
    for m in re.finditer(rb'/Length1 (\d+)\n(?:  [^\n]*\n)*?  /Length (\d+) 0 R\n(?:  [^\n]*\n)*?>>\nstream\n', pdf):
        yield m, lengths[m.group(2)]


def tags(path):
    pdf = open(path, 'rb').read()
    for m, (_, _, n) in programs(pdf):
        font = pdf[m.end():m.end() + n]
        count = struct.unpack('>H', font[4:6])[0]
        print(' '.join(font[12 + 16 * i:16 + 16 * i].decode('latin-1') for i in range(count)))


def normalize(src, dst):
    pdf = open(src, 'rb').read()
    pdf = pdf[:pdf.rindex(b'\nxref\n')]   # its offsets are the original's
    edits = []   # (start, end, new bytes), in any order
    for m, (at, end_at, n) in programs(pdf):
        start = m.end()
        font = rebuild(pdf[start:start + n])
        edits += [(m.start(1), m.end(1), b'%d' % len(font)), (start, start + n, font), (at, end_at, b'%d' % len(font))]
    out, last = [], 0
    for a, b, data in sorted(edits):
        out += [pdf[last:a], data]
        last = b
    out.append(pdf[last:])
    open(dst, 'wb').write(b''.join(out))


def main():
    if sys.argv[1:2] == ['--tags']:
        return tags(sys.argv[2])
    for line in sys.stdin:
        src, dst = line.split()
        normalize(src, dst)


if __name__ == '__main__':
    main()
