#include "textflag.h"

// 4-lane AVX2 loops for the hot arithmetic kernels of ops.go: IEEE add,
// sub, mul and div give the same bits in any lane width, so these agree
// with the scalar loops bit for bit. n is a multiple of 4.

// func addVVBlocks(d, x, y *float64, n int)
TEXT ·addVVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
addVVBlocksLoop:
	CMPQ BX, CX
	JGE addVVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VADDPD (DX)(BX*8), Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP addVVBlocksLoop
addVVBlocksDone:
	VZEROUPPER
	RET

// func addVSBlocks(d, x *float64, s float64, n int)
TEXT ·addVSBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	VBROADCASTSD s+16(FP), Y1
	MOVQ n+24(FP), CX
	XORQ BX, BX
addVSBlocksLoop:
	CMPQ BX, CX
	JGE addVSBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VADDPD Y1, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP addVSBlocksLoop
addVSBlocksDone:
	VZEROUPPER
	RET

// func subVVBlocks(d, x, y *float64, n int)
TEXT ·subVVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
subVVBlocksLoop:
	CMPQ BX, CX
	JGE subVVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VSUBPD (DX)(BX*8), Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP subVVBlocksLoop
subVVBlocksDone:
	VZEROUPPER
	RET

// func subVSBlocks(d, x *float64, s float64, n int)
TEXT ·subVSBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	VBROADCASTSD s+16(FP), Y1
	MOVQ n+24(FP), CX
	XORQ BX, BX
subVSBlocksLoop:
	CMPQ BX, CX
	JGE subVSBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VSUBPD Y1, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP subVSBlocksLoop
subVSBlocksDone:
	VZEROUPPER
	RET

// func mulVVBlocks(d, x, y *float64, n int)
TEXT ·mulVVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
mulVVBlocksLoop:
	CMPQ BX, CX
	JGE mulVVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VMULPD (DX)(BX*8), Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP mulVVBlocksLoop
mulVVBlocksDone:
	VZEROUPPER
	RET

// func mulVSBlocks(d, x *float64, s float64, n int)
TEXT ·mulVSBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	VBROADCASTSD s+16(FP), Y1
	MOVQ n+24(FP), CX
	XORQ BX, BX
mulVSBlocksLoop:
	CMPQ BX, CX
	JGE mulVSBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VMULPD Y1, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP mulVSBlocksLoop
mulVSBlocksDone:
	VZEROUPPER
	RET

// func divVVBlocks(d, x, y *float64, n int)
TEXT ·divVVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ BX, BX
divVVBlocksLoop:
	CMPQ BX, CX
	JGE divVVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VDIVPD (DX)(BX*8), Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP divVVBlocksLoop
divVVBlocksDone:
	VZEROUPPER
	RET

// func divVSBlocks(d, x *float64, s float64, n int)
TEXT ·divVSBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), SI
	VBROADCASTSD s+16(FP), Y1
	MOVQ n+24(FP), CX
	XORQ BX, BX
divVSBlocksLoop:
	CMPQ BX, CX
	JGE divVSBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VDIVPD Y1, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP divVSBlocksLoop
divVSBlocksDone:
	VZEROUPPER
	RET

// func subSVBlocks(d *float64, s float64, x *float64, n int)
TEXT ·subSVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	VBROADCASTSD s+8(FP), Y1
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	XORQ BX, BX
subSVBlocksLoop:
	CMPQ BX, CX
	JGE subSVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VSUBPD Y0, Y1, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP subSVBlocksLoop
subSVBlocksDone:
	VZEROUPPER
	RET

// func divSVBlocks(d *float64, s float64, x *float64, n int)
TEXT ·divSVBlocks(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	VBROADCASTSD s+8(FP), Y1
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	XORQ BX, BX
divSVBlocksLoop:
	CMPQ BX, CX
	JGE divSVBlocksDone
	VMOVUPD (SI)(BX*8), Y0
	VDIVPD Y0, Y1, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP divSVBlocksLoop
divSVBlocksDone:
	VZEROUPPER
	RET
