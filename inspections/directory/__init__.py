"""The first step: the item list and the target directory (一单两库), their imports and exports."""
