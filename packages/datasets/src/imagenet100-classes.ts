/**
 * The CMC ImageNet-100 class list (Tian et al., "Contrastive Multiview Coding"; HobbitLong/CMC
 * imagenet100.txt, commit bc687a26), in that file's order. Written one per line with a trailing
 * newline it is byte-identical to the original (md5 9974508e5d4cc0098b70e8b6a0fe6067). Class
 * indices follow the SORTED order (imagenet100ClassNames), as CMC's ImageFolder assigns them.
 */
export const IMAGENET100_CMC_WNIDS: readonly string[] = [
  'n02869837', 'n01749939', 'n02488291', 'n02107142', 'n13037406', 'n02091831', 'n04517823', 'n04589890', 'n03062245', 'n01773797',
  'n01735189', 'n07831146', 'n07753275', 'n03085013', 'n04485082', 'n02105505', 'n01983481', 'n02788148', 'n03530642', 'n04435653',
  'n02086910', 'n02859443', 'n13040303', 'n03594734', 'n02085620', 'n02099849', 'n01558993', 'n04493381', 'n02109047', 'n04111531',
  'n02877765', 'n04429376', 'n02009229', 'n01978455', 'n02106550', 'n01820546', 'n01692333', 'n07714571', 'n02974003', 'n02114855',
  'n03785016', 'n03764736', 'n03775546', 'n02087046', 'n07836838', 'n04099969', 'n04592741', 'n03891251', 'n02701002', 'n03379051',
  'n02259212', 'n07715103', 'n03947888', 'n04026417', 'n02326432', 'n03637318', 'n01980166', 'n02113799', 'n02086240', 'n03903868',
  'n02483362', 'n04127249', 'n02089973', 'n03017168', 'n02093428', 'n02804414', 'n02396427', 'n04418357', 'n02172182', 'n01729322',
  'n02113978', 'n03787032', 'n02089867', 'n02119022', 'n03777754', 'n04238763', 'n02231487', 'n03032252', 'n02138441', 'n02104029',
  'n03837869', 'n03494278', 'n04136333', 'n03794056', 'n03492542', 'n02018207', 'n04067472', 'n03930630', 'n03584829', 'n02123045',
  'n04229816', 'n02100583', 'n03642806', 'n04336792', 'n03259280', 'n02116738', 'n02108089', 'n03424325', 'n01855672', 'n02090622',
];

const WNID = /^n\d{8}$/;

/**
 * Checks a class list (wnids, any order) and returns it sorted: index i of a label is position i in
 * that sorted list. `source` names the list in errors.
 */
export function imagenetClassNames(wnids: readonly string[], source = 'class list'): string[] {
  if (wnids.length === 0) throw new Error(`${source}: empty; expected wnids like n01558993`);
  if (wnids.length > 256) throw new Error(`${source}: ${wnids.length} classes; labels are bytes, so at most 256 are supported`);
  const seen = new Set<string>();
  for (const w of wnids) {
    if (typeof w !== 'string' || !WNID.test(w)) throw new Error(`${source}: "${String(w)}" is not a wnid like n01558993`);
    if (seen.has(w)) throw new Error(`${source}: ${w} appears twice`);
    seen.add(w);
  }
  return [...wnids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The 100 CMC wnids in label order: 0 = n01558993, …, 99 = n13040303. */
export function imagenet100ClassNames(): string[] {
  return imagenetClassNames(IMAGENET100_CMC_WNIDS, 'IMAGENET100_CMC_WNIDS');
}
