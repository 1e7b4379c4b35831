/** How to build the folder layout from ILSVRC2012 (no public download exists), for "not found" errors. */
export function imagenet100Instructions(root: string): string {
  return (
    'ImageNet-100 has no public download: it is 100 classes (the CMC list) of ILSVRC2012, which needs an ' +
    'account at https://image-net.org. Download ILSVRC2012_img_train.tar (147,897,477,120 bytes, md5 ' +
    '1d675b47d978889d74fa0da5fadfb00e) and ILSVRC2012_img_val.tar (6,744,924,160 bytes, md5 ' +
    `29b22e2961454d5413ddabcf34fc5622), then lay them out as ${root}/train/<wnid>/*.JPEG and ${root}/val/<wnid>/*.JPEG: ` +
    'for each listed wnid run `tar -xf ILSVRC2012_img_train.tar <wnid>.tar && mkdir -p train/<wnid> && ' +
    'tar -xf <wnid>.tar -C train/<wnid>`; move each val image into val/<wnid>/ using the devkit ground truth ' +
    '(ILSVRC2012_devkit_t12 data/ILSVRC2012_validation_ground_truth.txt mapped through meta.mat) or the tfds ' +
    'imagenet2012_validation_labels.txt (one wnid per val image in file-name order). A full 1000-class ' +
    'ImageNet folder in this layout works as is: only the listed classes are read'
  );
}
